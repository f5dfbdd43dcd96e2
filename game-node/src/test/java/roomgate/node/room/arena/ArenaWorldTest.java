package roomgate.node.room.arena;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static roomgate.node.room.arena.ArenaWorld.DASH_COOLDOWN_TICKS;
import static roomgate.node.room.arena.ArenaWorld.DASH_TICKS;
import static roomgate.node.room.arena.ArenaWorld.HEIGHT;
import static roomgate.node.room.arena.ArenaWorld.MAX_SPEED;
import static roomgate.node.room.arena.ArenaWorld.RADIUS;
import static roomgate.node.room.arena.ArenaWorld.TICKS_PER_SECOND;
import static roomgate.node.room.arena.ArenaWorld.WIDTH;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ArenaPlayer;
import roomgate.protocol.v1.ArenaState;

class ArenaWorldTest {
    private static final float STEP = MAX_SPEED / TICKS_PER_SECOND; // 0.5 units a tick at full input
    private static final float EPS = 1e-4f;

    private long sequence;

    /** A world with players where a test wants them, via the same door a saved arena comes back through. */
    private static ArenaWorld worldWith(ArenaPlayer... players) {
        return ArenaWorld.restore(ArenaState.newBuilder()
                .setWidth(WIDTH)
                .setHeight(HEIGHT)
                .addAllPlayers(List.of(players))
                .build());
    }

    private static ArenaPlayer player(String id, float x, float y, boolean it) {
        return ArenaPlayer.newBuilder()
                .setParticipantId(id)
                .setX(x)
                .setY(y)
                .setIt(it)
                .build();
    }

    private static ArenaPlayer of(ArenaWorld world, String id) {
        return world.snapshot().getPlayersList().stream()
                .filter(p -> p.getParticipantId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private void input(ArenaWorld world, String id, float x, float y, boolean dash) {
        world.input(id, x, y, dash, ++sequence);
    }

    private static void steps(ArenaWorld world, int n) {
        for (int i = 0; i < n; i++) {
            world.step();
        }
    }

    private static float distance(ArenaPlayer a, ArenaPlayer b) {
        return (float) Math.hypot(a.getX() - b.getX(), a.getY() - b.getY());
    }

    // ------------------------------------------------------------------ movement and bounds

    @Test
    void aPlayerMovesAtMaxSpeedInTheDirectionOfItsInputFromTheNextTickOn() {
        ArenaWorld world = worldWith(player("a", 50, 50, true));
        input(world, "a", 1, 0, false);
        assertThat(of(world, "a").getX()).as("no movement before a tick").isEqualTo(50f);
        world.step();
        assertThat(of(world, "a").getX()).isCloseTo(50 + STEP, within(EPS));
        assertThat(of(world, "a").getVx()).isEqualTo(MAX_SPEED);
        steps(world, 29);
        assertThat(of(world, "a").getX()).as("one second at full speed").isCloseTo(50 + MAX_SPEED, within(1e-3f));
        assertThat(of(world, "a").getY()).isEqualTo(50f);
    }

    @Test
    void aDiagonalInputIsClampedToLengthOneAndAPartialInputIsSlower() {
        ArenaWorld world = worldWith(player("a", 50, 50, true), player("b", 20, 20, false));
        input(world, "a", 1, 1, false);
        input(world, "b", 0.6f, 0, false);
        world.step();
        ArenaPlayer a = of(world, "a");
        assertThat(Math.hypot(a.getVx(), a.getVy()))
                .as("speed of a full diagonal")
                .isCloseTo(MAX_SPEED, within(1e-3));
        assertThat(a.getX() - 50).isCloseTo(STEP / (float) Math.sqrt(2), within(EPS));
        assertThat(a.getY() - 50).isCloseTo(STEP / (float) Math.sqrt(2), within(EPS));
        assertThat(of(world, "b").getX() - 20).isCloseTo(0.6f * STEP, within(EPS));
    }

    @Test
    void theFieldsEdgesStopPlayers() {
        ArenaWorld world = worldWith(player("a", 10, 10, true), player("b", 90, 90, false));
        input(world, "a", -1, -1, false);
        input(world, "b", 1, 1, false);
        steps(world, 60);
        assertThat(of(world, "a").getX()).isEqualTo(RADIUS);
        assertThat(of(world, "a").getY()).isEqualTo(RADIUS);
        assertThat(of(world, "b").getX()).isEqualTo(WIDTH - RADIUS);
        assertThat(of(world, "b").getY()).isEqualTo(HEIGHT - RADIUS);
    }

    // ------------------------------------------------------------------ collisions

    @Test
    void overlappingDiscsArePushedApartEquallyAlongTheLineBetweenThem() {
        ArenaWorld world = worldWith(player("a", 50, 50, false), player("b", 53, 50, false));
        world.step();
        ArenaPlayer a = of(world, "a");
        ArenaPlayer b = of(world, "b");
        assertThat(distance(a, b)).isCloseTo(2 * RADIUS, within(EPS));
        assertThat(a.getX()).isCloseTo(49.5f, within(EPS));
        assertThat(b.getX()).isCloseTo(53.5f, within(EPS));
        assertThat(a.getY()).isEqualTo(50f);
    }

    @Test
    void playersRunningIntoEachOtherNeverEndATickOverlapping() {
        ArenaWorld world =
                worldWith(player("a", 40, 50, false), player("b", 60, 50.5f, false), player("c", 50, 40, false));
        input(world, "a", 1, 0, false);
        input(world, "b", -1, 0, true);
        input(world, "c", 0, 1, false);
        for (int i = 0; i < 90; i++) {
            world.step();
            List<ArenaPlayer> ps = world.snapshot().getPlayersList();
            for (int x = 0; x < ps.size(); x++) {
                for (int y = x + 1; y < ps.size(); y++) {
                    assertThat(distance(ps.get(x), ps.get(y)))
                            .as("tick %d, %s-%s", i, x, y)
                            .isGreaterThanOrEqualTo(2 * RADIUS - 1e-3f);
                }
            }
        }
    }

    @Test
    void discsOnTheSameSpotAreSeparatedTheSameWayEveryTime() {
        ArenaWorld world = worldWith(player("a", 50, 50, false), player("b", 50, 50, false));
        world.step();
        assertThat(of(world, "a").getX()).isCloseTo(48f, within(EPS));
        assertThat(of(world, "b").getX()).isCloseTo(52f, within(EPS));
    }

    // ------------------------------------------------------------------ tag, immunity and score

    @Test
    void itPassesOnContactAndThePasserDashesAwayImmuneUntilItsDashEnds() {
        // a is it, 4.2 from b; one step of a towards b makes them overlap.
        ArenaWorld world = worldWith(player("a", 50, 50, true), player("b", 54.2f, 50, false));
        input(world, "a", 1, 0, false);
        world.step();
        assertThat(of(world, "b").getIt()).as("b was tagged").isTrue();
        assertThat(of(world, "a").getIt()).isFalse();
        assertThat(of(world, "a").getDashCooldown()).as("the passer dashes").isEqualTo(DASH_COOLDOWN_TICKS);
        assertThat(of(world, "a").getVx()).isEqualTo(MAX_SPEED * ArenaWorld.DASH_FACTOR);

        // a keeps running into b, which stands still; they touch every tick, but a is immune while dashing.
        for (int i = 1; i <= DASH_TICKS; i++) {
            world.step();
            assertThat(distance(of(world, "a"), of(world, "b"))).isLessThan(2 * RADIUS + 0.01f);
            assertThat(of(world, "b").getIt())
                    .as("b still it %d ticks after the tag", i)
                    .isTrue();
        }
        assertThat(of(world, "a").getVx()).as("dash over").isEqualTo(MAX_SPEED);
        world.step();
        assertThat(of(world, "a").getIt())
                .as("tagged back once the immunity is over")
                .isTrue();
        assertThat(of(world, "b").getIt()).isFalse();
    }

    @Test
    void aDashingPlayerCannotBeTagged() {
        ArenaWorld world = worldWith(player("a", 50, 50, true), player("b", 54.2f, 50, false));
        input(world, "b", 0, 1, true);
        input(world, "a", 1, 0, false);
        world.step();
        assertThat(of(world, "a").getIt()).isTrue();
        assertThat(of(world, "b").getIt()).isFalse();
    }

    @Test
    void itTagsTheClosestOfThePlayersItTouches() {
        ArenaWorld world =
                worldWith(player("a", 50, 50, true), player("b", 53.8f, 50, false), player("c", 50, 53.2f, false));
        world.step();
        assertThat(of(world, "c").getIt()).isTrue();
        assertThat(of(world, "b").getIt()).isFalse();
    }

    @Test
    void scoreCountsTheTicksAPlayerIsNotIt() {
        ArenaWorld world =
                worldWith(player("a", 50, 50, true), player("b", 54.2f, 50, false), player("c", 10, 90, false));
        steps(world, 10);
        assertThat(of(world, "a").getScore()).isZero();
        assertThat(of(world, "b").getScore()).isEqualTo(10);
        input(world, "a", 1, 0, false);
        world.step(); // a tags b
        input(world, "a", 0, -1, false);
        steps(world, 4);
        assertThat(of(world, "a").getScore()).isEqualTo(5);
        assertThat(of(world, "b").getScore()).isEqualTo(10);
        assertThat(of(world, "c").getScore()).isEqualTo(15);
    }

    @Test
    void theFirstPlayerIsItAndWhenItLeavesTheHighestScoreTakesOver() {
        ArenaWorld world = new ArenaWorld();
        world.addPlayer("a");
        world.step();
        world.addPlayer("b");
        steps(world, 5);
        world.addPlayer("c");
        steps(world, 2);
        assertThat(of(world, "a").getIt()).isTrue();
        assertThat(of(world, "b").getIt()).isFalse();
        assertThat(of(world, "c").getIt()).isFalse();
        world.removePlayer("a");
        assertThat(of(world, "b").getIt()).as("b has 7, c has 2").isTrue();
        world.removePlayer("b");
        assertThat(of(world, "c").getIt()).isTrue();
    }

    @Test
    void playersSpawnApartInFreeCorners() {
        ArenaWorld world = new ArenaWorld();
        for (String id : List.of("a", "b", "c", "d")) {
            world.addPlayer(id);
        }
        List<ArenaPlayer> ps = world.snapshot().getPlayersList();
        assertThat(ps)
                .extracting(p -> p.getX() + "," + p.getY())
                .containsExactly("12.5,12.5", "87.5,87.5", "87.5,12.5", "12.5,87.5");
        assertThatThrownBy(() -> world.addPlayer("a")).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ dash

    @Test
    void aDashDoublesSpeedForItsTicksAndCoolsDownBeforeItCanBeUsedAgain() {
        ArenaWorld world = worldWith(player("a", 20, 50, true));
        input(world, "a", 1, 0, true);
        float x0 = of(world, "a").getX();
        steps(world, DASH_TICKS);
        assertThat(of(world, "a").getX() - x0).as("dash distance").isCloseTo(DASH_TICKS * 2 * STEP, within(1e-3f));
        assertThat(of(world, "a").getDashCooldown()).isEqualTo(DASH_COOLDOWN_TICKS - DASH_TICKS);
        float x1 = of(world, "a").getX();
        world.step();
        assertThat(of(world, "a").getX() - x1).as("walking again").isCloseTo(STEP, within(EPS));

        input(world, "a", 1, 0, true);
        assertThat(of(world, "a").getVx())
                .as("a dash while cooling down is ignored")
                .isEqualTo(MAX_SPEED);
        assertThat(of(world, "a").getDashCooldown()).isEqualTo(DASH_COOLDOWN_TICKS - DASH_TICKS - 1);
        input(world, "a", -1, 0, false);
        steps(world, DASH_COOLDOWN_TICKS - DASH_TICKS - 1);
        assertThat(of(world, "a").getDashCooldown()).isZero();
        input(world, "a", 0, 1, true);
        assertThat(of(world, "a").getVy()).as("ready again").isEqualTo(2 * MAX_SPEED);
        assertThat(of(world, "a").getDashCooldown()).isEqualTo(DASH_COOLDOWN_TICKS);
    }

    @Test
    void theLatestInputSequenceIsEchoed() {
        ArenaWorld world = worldWith(player("a", 50, 50, true));
        world.input("a", 0, 1, false, 41);
        world.step();
        assertThat(of(world, "a").getLastInputSequence()).isEqualTo(41);
        assertThat(world.lastInputSequence("a")).isEqualTo(41);
    }

    @Test
    void inputsOutsideTheUnitRangeAreRefused() {
        ArenaWorld world = worldWith(player("a", 50, 50, true));
        assertThatThrownBy(() -> world.input("a", Float.NaN, 0, false, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> world.input("a", 0, 1.01f, false, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ determinism and snapshots

    /** Seeded pseudo-random play by eight players: moves, dashes, a leave and a join. */
    private static final class Script {
        private final Random random;
        private long seq;

        Script(long seed) {
            random = new Random(seed);
        }

        void setUp(ArenaWorld world) {
            for (int p = 0; p < 8; p++) {
                world.addPlayer("p" + p);
            }
        }

        /** The inputs of one tick, drawn once and applied to any number of worlds. */
        List<Object[]> nextInputs(ArenaWorld world) {
            List<Object[]> inputs = new ArrayList<>();
            for (ArenaPlayer p : world.snapshot().getPlayersList()) {
                if (random.nextInt(4) == 0) {
                    inputs.add(new Object[] {
                        p.getParticipantId(),
                        random.nextFloat() * 2 - 1,
                        random.nextFloat() * 2 - 1,
                        random.nextInt(20) == 0,
                        ++seq
                    });
                }
            }
            return inputs;
        }

        static void apply(List<Object[]> inputs, ArenaWorld world) {
            for (Object[] in : inputs) {
                world.input((String) in[0], (Float) in[1], (Float) in[2], (Boolean) in[3], (Long) in[4]);
            }
        }
    }

    private static List<ArenaState> play(long seed, int ticks) {
        ArenaWorld world = new ArenaWorld();
        Script script = new Script(seed);
        script.setUp(world);
        List<ArenaState> states = new ArrayList<>();
        for (int t = 0; t < ticks; t++) {
            Script.apply(script.nextInputs(world), world);
            if (t == 100) {
                world.removePlayer("p0");
            }
            if (t == 150) {
                world.addPlayer("late");
            }
            world.step();
            states.add(world.snapshot());
        }
        return states;
    }

    @Test
    void theSameInputsGiveTheSameStatesEveryTick() {
        List<ArenaState> first = play(42, 300);
        List<ArenaState> second = play(42, 300);
        assertThat(second).isEqualTo(first);
        assertThat(play(43, 300).get(299)).as("other inputs, other game").isNotEqualTo(first.get(299));
        long tags = 0;
        for (int i = 1; i < first.size(); i++) {
            String before = itOf(first.get(i - 1));
            if (before != null && !before.equals(itOf(first.get(i)))) {
                tags++;
            }
        }
        assertThat(tags).as("the script exercises tagging").isPositive();
    }

    private static String itOf(ArenaState state) {
        return state.getPlayersList().stream()
                .filter(ArenaPlayer::getIt)
                .map(ArenaPlayer::getParticipantId)
                .findFirst()
                .orElse(null);
    }

    @Test
    void aRestoredSnapshotContinuesExactlyAsTheOriginal() {
        ArenaWorld original = new ArenaWorld();
        Script script = new Script(7);
        script.setUp(original);
        for (int t = 0; t < 120; t++) {
            Script.apply(script.nextInputs(original), original);
            original.step();
        }
        // Mid-dash and with a fresh input pending: everything a snapshot must carry.
        original.input("p3", 1, -0.5f, true, 1_000_000);
        original.input("p5", -0.25f, 0.75f, false, 1_000_001);
        ArenaState saved = original.snapshot();
        ArenaWorld restored = ArenaWorld.restore(saved);
        assertThat(restored.snapshot()).isEqualTo(saved);
        assertThat(saved.getPlayersList()).anyMatch(p -> p.getDashCooldown() > DASH_COOLDOWN_TICKS - DASH_TICKS);

        for (int t = 0; t < 180; t++) {
            List<Object[]> inputs = script.nextInputs(original);
            Script.apply(inputs, original);
            Script.apply(inputs, restored);
            original.step();
            restored.step();
            assertThat(restored.snapshot()).as("tick %d after restore", t).isEqualTo(original.snapshot());
        }
    }

    @Test
    void aRestoreDuringTagImmunityKeepsTheImmunity() {
        ArenaWorld original = worldWith(player("a", 50, 50, true), player("b", 54.2f, 50, false));
        original.input("a", 1, 0, false, 1);
        original.step(); // a tags b and dashes into it
        ArenaWorld restored = ArenaWorld.restore(original.snapshot());
        for (int t = 0; t < DASH_TICKS + 2; t++) {
            original.step();
            restored.step();
            assertThat(restored.snapshot()).isEqualTo(original.snapshot());
        }
    }

    @Test
    void aSnapshotThatNoArenaCouldHaveIsRefused() {
        ArenaState twoIts = ArenaState.newBuilder()
                .setWidth(WIDTH)
                .setHeight(HEIGHT)
                .addPlayers(player("a", 10, 10, true))
                .addPlayers(player("b", 20, 20, true))
                .build();
        assertThatThrownBy(() -> ArenaWorld.restore(twoIts)).hasMessageContaining("it");
        ArenaState outside = ArenaState.newBuilder()
                .setWidth(WIDTH)
                .setHeight(HEIGHT)
                .addPlayers(player("a", 1, 10, true))
                .build();
        assertThatThrownBy(() -> ArenaWorld.restore(outside)).hasMessageContaining("(1.0, 10.0)");
        assertThatThrownBy(() -> ArenaWorld.restore(
                        ArenaState.newBuilder().setWidth(50).setHeight(HEIGHT).build()))
                .hasMessageContaining("field");
    }
}
