package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.admin.v1.NodeStatus;
import roomgate.protocol.v1.Side;

/**
 * What a hung node, a join and a drain cost the rooms that are not on the node concerned, for
 * several cluster settings side by side in one run. Per variant: a fresh cluster of
 * {@code hangbench.nodes} game nodes (4) and one gateway, {@code hangbench.rooms} rooms (40) of real
 * games (a game that runs out of moves is replaced by a new room), a move per room every 500 ms;
 * optionally a healthy phase at full load first ({@code hangbench.healthySeconds}, counting members
 * removed although nothing failed); then SIGSTOP of one node for {@code hangbench.hangSeconds} (10),
 * SIGCONT and its return, a node added, a node drained and stopped. Per phase it prints the move
 * latency (p50 / p99 / max) of the rooms not owned by the node concerned, moves and rooms stalled
 * over 1 s, the time until the hung member was removed, how long after that its rooms moved again,
 * and at the end the acknowledged moves lost (must be 0), into {@code target/hangbench-results.md}.
 *
 * <p>Variants: {@code -Dhangbench.variants='today: ; hb2: --heartbeat-timeout-seconds 2 ;
 * phi: -Dhazelcast.heartbeat.failuredetector.type=phi-accrual'}: {@code name: options}, separated
 * by {@code ;}; an option starting with {@code -D} goes to every server's java command, the others
 * are flags of every node and the gateway. Not in {@code mvn verify}: {@code -Phangbench}.
 */
@Tag("hangbench")
class HangStallBenchTest {
    private static final int NODES = Integer.getInteger("hangbench.nodes", 4);
    private static final int ROOMS = Integer.getInteger("hangbench.rooms", 40);
    private static final Duration HANG = Duration.ofSeconds(Long.getLong("hangbench.hangSeconds", 10));
    private static final Duration HEALTHY = Duration.ofSeconds(Long.getLong("hangbench.healthySeconds", 0));
    private static final Duration BEFORE = Duration.ofSeconds(5);
    private static final long PACE_MS = 500;
    /** The healthy phase's pace: as fast as the cluster answers, with a short pause so 40 rooms do not spin. */
    private static final long FULL_LOAD_PACE_MS = Long.getLong("hangbench.fullLoadPaceMs", 50);

    private static final long STALL_NANOS = Duration.ofSeconds(1).toNanos();
    private static final Path RESULTS = Path.of("target", "hangbench-results.md");

    /** A setting under comparison: flags for every member, options for every server JVM. */
    record Variant(String name, List<String> flags, List<String> jvmOptions) {
        static List<Variant> parseAll(String spec) {
            List<Variant> variants = new ArrayList<>();
            for (String part : spec.split(";")) {
                if (part.isBlank()) {
                    continue;
                }
                int colon = part.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("variant '" + part + "': expected name: options");
                }
                List<String> flags = new ArrayList<>();
                List<String> jvm = new ArrayList<>();
                for (String option : part.substring(colon + 1).trim().split("\\s+")) {
                    if (option.isEmpty()) {
                        continue;
                    }
                    (option.startsWith("-D") ? jvm : flags).add(option);
                }
                variants.add(new Variant(part.substring(0, colon).trim(), flags, jvm));
            }
            return variants;
        }
    }

    /** One acknowledged move: its room, when it was sent and how long until it was acknowledged. */
    record Sample(String roomId, long sentNanos, long latencyNanos) {}

    private final List<String> table = new ArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    @Test
    void compareVariants() throws Exception {
        List<Variant> variants = Variant.parseAll(System.getProperty("hangbench.variants", "today:"));
        Files.createDirectories(RESULTS.getParent());
        table.add("| variant | phase | load avg | window (s) | moves of other rooms | p50 / p99 / max (ms)"
                + " | moves > 1 s | rooms with a move > 1 s | note |");
        table.add("|---|---|---|---|---|---|---|---|---|");
        int run = 0;
        for (Variant variant : variants) {
            run++;
            System.out.printf(
                    "[hangbench] %s: flags %s, JVM options %s%n",
                    variant.name(), variant.flags(), variant.jvmOptions());
            try {
                runVariant(variant, run);
            } catch (Exception | AssertionError e) {
                failures.add(variant.name() + ": " + e);
                table.add("| " + variant.name() + " | failed | | | | | | | "
                        + e.toString().replace('|', '/') + " |");
            }
            String all = String.join("\n", table) + "\n";
            System.out.print(all);
            Files.writeString(RESULTS, "# " + Instant.now() + "\n\n" + all);
        }
        assertThat(failures)
                .as("variants that lost acknowledged moves or failed")
                .isEmpty();
    }

    private void runVariant(Variant variant, int run) throws Exception {
        System.setProperty(ServiceProcess.EXTRA_JVM_OPTIONS, String.join(" ", variant.jvmOptions()));
        try (LocalCluster cluster = LocalCluster.start(
                        "hangbench-" + run + "-" + variant.name(), NODES, 1, variant.flags(), g -> variant.flags());
                GameFixture fx = new GameFixture(cluster)) {
            Bench bench = new Bench(variant, cluster, fx);
            bench.play();
            try {
                if (!HEALTHY.isZero()) {
                    bench.healthy();
                }
                bench.hangThenResume("node-2");
                bench.join("node-" + (NODES + 1));
                bench.drain("node-3");
            } finally {
                bench.stop();
            }
            bench.checkNothingLost();
        } finally {
            System.clearProperty(ServiceProcess.EXTRA_JVM_OPTIONS);
        }
    }

    /** One variant's cluster, its traffic and its figures. */
    private final class Bench {
        private final Variant variant;
        private final LocalCluster cluster;
        private final GameFixture fx;
        private final List<List<String>> plans;
        private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        /** Every game played, retired ones included: each is checked at the end. */
        private final List<LiveGame> everyGame = new CopyOnWriteArrayList<>();
        /** The games in play now, one per slot. */
        private final Map<Integer, LiveGame> current = new ConcurrentHashMap<>();

        private final AtomicBoolean traffic = new AtomicBoolean(true);
        private final AtomicLong paceMs = new AtomicLong(PACE_MS);
        private final List<Future<?>> slots = new ArrayList<>();
        private final AtomicInteger nextRoom = new AtomicInteger();
        private final String prefix = "hb-" + UUID.randomUUID().toString().substring(0, 6);

        Bench(Variant variant, LocalCluster cluster, GameFixture fx) {
            this.variant = variant;
            this.cluster = cluster;
            this.fx = fx;
            this.plans = fx.plans();
        }

        void play() {
            for (int slot = 0; slot < ROOMS; slot++) {
                int s = slot;
                slots.add(fx.submit(() -> playSlot(s)));
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> current.size() == ROOMS);
        }

        /** One slot: a game at the pace, then a new room when it has run out of moves. */
        private Void playSlot(int slot) {
            try {
                while (traffic.get()) {
                    LiveGame game = newGame();
                    current.put(slot, game);
                    while (traffic.get() && game.hasMoreThan(GameFixture.PLIES_AFTER)) {
                        long start = System.nanoTime();
                        boolean acked = game.playNext(
                                Duration.ofSeconds(2),
                                start + Duration.ofSeconds(30).toNanos());
                        long end = System.nanoTime();
                        if (!acked) {
                            failures.add(variant.name() + ": a move in " + game.roomId
                                    + " not acknowledged within 30 s: " + game.lastProblem());
                            continue;
                        }
                        samples.add(new Sample(game.roomId, start, end - start));
                        long rest = paceMs.get() - (end - start) / 1_000_000;
                        if (rest > 0) {
                            Thread.sleep(rest);
                        }
                    }
                }
            } catch (Exception | AssertionError e) {
                failures.add(variant.name() + ": slot " + slot + " stopped: " + e);
            }
            return null;
        }

        private LiveGame newGame() throws Exception {
            int n = nextRoom.getAndIncrement();
            String roomId = prefix + "-" + n;
            RoomgateClient white = fx.connect(0, Encoding.BINARY);
            RoomgateClient black = fx.connect(0, Encoding.BINARY);
            GameFixture.join(white, roomId, Side.WHITE);
            GameFixture.join(black, roomId, Side.BLACK);
            LiveGame game = new LiveGame(roomId, white, black, plans.get(n % plans.size()));
            everyGame.add(game);
            return game;
        }

        void stop() throws Exception {
            traffic.set(false);
            for (Future<?> slot : slots) {
                slot.get();
            }
        }

        /** The node that owns each game in play now, as the directory says. */
        private Map<String, String> ownersNow() {
            Map<String, String> owners = new ConcurrentHashMap<>();
            for (LiveGame game : current.values()) {
                owners.put(game.roomId, fx.ownerOf(game));
            }
            return owners;
        }

        private Set<String> liveNodeIds() throws Exception {
            return fx.nodes().getNodesList().stream().map(NodeStatus::getNodeId).collect(Collectors.toSet());
        }

        /**
         * Full load (short pace) on the healthy cluster for HEALTHY: any member that leaves the
         * gateway's view meanwhile was removed although nothing failed.
         */
        void healthy() throws Exception {
            Set<String> expected = liveNodeIds();
            paceMs.set(FULL_LOAD_PACE_MS);
            long from = System.nanoTime();
            long until = from + HEALTHY.toNanos();
            int removals = 0;
            Set<String> missingBefore = Set.of();
            while (System.nanoTime() < until) {
                Set<String> missing = new HashSet<>(expected);
                missing.removeAll(liveNodeIds());
                for (String node : missing) {
                    if (!missingBefore.contains(node)) {
                        removals++;
                        System.out.printf(
                                "[hangbench] %s: %s left the view under load at +%d s%n",
                                variant.name(), node, (System.nanoTime() - from) / 1_000_000_000);
                    }
                }
                missingBefore = missing;
                Thread.sleep(100); // a poll: a removal lasts seconds (until the merge), far longer
            }
            long to = System.nanoTime();
            paceMs.set(PACE_MS);
            row("healthy, full load", from, to, Set.of(), "members removed while healthy: " + removals);
            fx.awaitClusterSafe();
        }

        void hangThenResume(String victim) throws Exception {
            fx.awaitClusterSafe();
            long beforeFrom = System.nanoTime();
            Thread.sleep(BEFORE.toMillis()); // the window measured before the fault
            Map<String, String> owners = ownersNow();
            Set<String> victimRooms = roomsOf(owners, victim);
            long stoppedAt = System.nanoTime();
            row("before", beforeFrom, stoppedAt, victimRooms, "");
            cluster.nodes().get(victim).pause(true);
            long removedAt = 0;
            long until = stoppedAt + HANG.toNanos();
            while (System.nanoTime() < until) {
                if (removedAt == 0 && !liveNodeIds().contains(victim)) {
                    removedAt = System.nanoTime();
                }
                Thread.sleep(50); // a poll for the removal, and the hang's length
            }
            cluster.nodes().get(victim).pause(false);
            long resumedAt = System.nanoTime();
            String removal = removedAt == 0 ? "not removed within the hang" : ms(removedAt - stoppedAt) + " ms";
            String playable = removedAt == 0 ? "n/a" : victimRoomsPlayableAfter(victimRooms, removedAt);
            row(
                    "SIGSTOP " + victim,
                    stoppedAt,
                    resumedAt,
                    victimRooms,
                    "removed after " + removal + "; its " + victimRooms.size() + " rooms moved again (max) " + playable
                            + " after the removal");
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> liveNodeIds().contains(victim));
            fx.awaitClusterSafe();
            row("SIGCONT, back and safe", resumedAt, System.nanoTime(), victimRooms, "");
        }

        void join(String added) throws Exception {
            fx.awaitClusterSafe();
            long from = System.nanoTime();
            cluster.addNode(added);
            long ready = System.nanoTime();
            fx.awaitClusterSafe();
            row("join " + added, from, System.nanoTime(), Set.of(), "ready after " + ms(ready - from) + " ms");
        }

        void drain(String drained) throws Exception {
            fx.awaitClusterSafe();
            Set<String> drainedRooms = roomsOf(ownersNow(), drained);
            long from = System.nanoTime();
            assertThat(GameFixture.http(cluster.adminRequest(0, "/nodes/" + drained + "/drain")
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build())
                            .statusCode())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> fx.nodeStatus(drained).getRooms() == 0);
            long empty = System.nanoTime();
            cluster.nodes().get(drained).close();
            fx.awaitClusterSafe();
            row(
                    "drain " + drained + " and stop it",
                    from,
                    System.nanoTime(),
                    drainedRooms,
                    "its " + drainedRooms.size() + " rooms handed over in " + ms(empty - from) + " ms");
        }

        /** The latest first acknowledged move sent after {@code removedAt} among {@code rooms}, relative to it. */
        private String victimRoomsPlayableAfter(Set<String> rooms, long removedAt) {
            Map<String, Long> firstAck = new ConcurrentHashMap<>();
            for (Sample s : samples) {
                if (rooms.contains(s.roomId()) && s.sentNanos() + s.latencyNanos() >= removedAt) {
                    firstAck.merge(s.roomId(), s.sentNanos() + s.latencyNanos(), Math::min);
                }
            }
            if (firstAck.size() < rooms.size()) {
                return (rooms.size() - firstAck.size()) + " rooms not yet";
            }
            return firstAck.values().stream().mapToLong(t -> t - removedAt).max().stream()
                    .mapToObj(n -> ms(n) + " ms")
                    .findFirst()
                    .orElse("no rooms");
        }

        /** One table row: the moves sent in [from, to) of the rooms not in {@code concerned}. */
        private void row(String phase, long from, long to, Set<String> concerned, String note) {
            List<Sample> others = samples.stream()
                    .filter(s -> s.sentNanos() >= from && s.sentNanos() < to && !concerned.contains(s.roomId()))
                    .toList();
            long[] ms = others.stream()
                    .mapToLong(s -> s.latencyNanos() / 1_000_000)
                    .sorted()
                    .toArray();
            long stalled =
                    others.stream().filter(s -> s.latencyNanos() > STALL_NANOS).count();
            long stalledRooms = others.stream()
                    .filter(s -> s.latencyNanos() > STALL_NANOS)
                    .map(Sample::roomId)
                    .distinct()
                    .count();
            String spread = ms.length == 0
                    ? "no moves"
                    : ms[ms.length / 2] + " / " + ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)]
                            + " / " + ms[ms.length - 1];
            String line = String.format(
                    "| %s | %s | %s | %.1f | %d | %s | %d | %d | %s |",
                    variant.name(),
                    phase,
                    loadAverage(),
                    (to - from) / 1e9,
                    ms.length,
                    spread,
                    stalled,
                    stalledRooms,
                    note);
            System.out.println("[hangbench] " + line);
            table.add(line);
        }

        /** Every acknowledged move of every room played is in the room's state, in order. */
        void checkNothingLost() throws Exception {
            int lost = 0;
            int rooms = 0;
            for (LiveGame game : everyGame) {
                List<String> stored = fx.spectate(game).getState().getChess().getUciMovesList();
                List<String> acked = game.acked();
                if (!stored.subList(0, Math.min(stored.size(), acked.size())).equals(acked)) {
                    lost += (int)
                            acked.stream().filter(m -> !stored.contains(m)).count();
                    failures.add(variant.name() + ": " + game.roomId + " stored " + stored + ", acknowledged " + acked);
                }
                rooms++;
            }
            long acked = everyGame.stream().mapToLong(g -> g.acked().size()).sum();
            String line = String.format(
                    "| %s | end | %s | | %d acknowledged moves in %d rooms | | | | acknowledged moves lost: %d |",
                    variant.name(), loadAverage(), acked, rooms, lost);
            System.out.println("[hangbench] " + line);
            table.add(line);
        }
    }

    private static Set<String> roomsOf(Map<String, String> owners, String node) {
        return Collections.unmodifiableSet(owners.entrySet().stream()
                .filter(e -> e.getValue().equals(node))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet()));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static String loadAverage() {
        try {
            return Files.readAllLines(Path.of("/proc/loadavg")).get(0).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }
}
