package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The churn soak: for a set time (system property {@code soak.minutes}, default 10), add a node,
 * drain one, kill one, over and over, while 40 games go on; after every cycle each acknowledged move
 * must still be there. Between faults it waits until the cluster is safe (every record backed up
 * again), as an operator must: with one backup, two losses inside the re-replication window can take
 * both copies of a record (this soak found that). Not part of the README's test command: run it with
 * {@code mvn -B -pl system-tests -am test -Psoak -Dsoak.minutes=10}.
 */
@Tag("soak")
class ChurnSoakTest {
    private static final int GAMES = 40;

    @Test
    void gamesSurviveRepeatedAddDrainKillCycles() throws Exception {
        long minutes = Long.getLong("soak.minutes", 10);
        long end = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
        try (LocalCluster cluster = LocalCluster.start("churn-soak", 3, 2);
                GameFixture fx = new GameFixture(cluster)) {
            List<String> live = new ArrayList<>(List.of("node-1", "node-2", "node-3"));
            int nextNode = 4;
            int cycle = 0;
            List<LiveGame> games = fx.createGames("soak-" + cycle, GAMES, null);
            while (System.nanoTime() < end) {
                cycle++;
                // Games that have played the moves kept for after a fault make way for new ones.
                if (games.stream().anyMatch(g -> !g.hasMoreThan(GameFixture.PLIES_AFTER))) {
                    games.removeIf(g -> !g.hasMoreThan(GameFixture.PLIES_AFTER));
                    games.addAll(fx.createGames("soak-" + cycle, GAMES - games.size(), null));
                }
                FenceWatch fence = fx.watchFencing(games);
                AtomicBoolean traffic = new AtomicBoolean(true);
                Future<?> moves = fx.submit(() -> fx.keepPlaying(games, traffic));
                long begin = System.nanoTime();

                String added = "node-" + nextNode++;
                cluster.addNode(added);
                live.add(added);
                fx.awaitClusterSafe();

                String drained = live.remove(0);
                assertThat(GameFixture.http(cluster.adminRequest(0, "/nodes/" + drained + "/drain")
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build())
                                .statusCode())
                        .isEqualTo(202);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> fx.nodeStatus(drained).getRooms() == 0);
                cluster.nodes().get(drained).close();
                // With one backup, a second loss before re-replication ends could take both copies of a record.
                fx.awaitClusterSafe();

                if (live.size() < 3) {
                    // Two nodes must outlive the kill: the rooms' quorum is two game nodes.
                    String extra = "node-" + nextNode++;
                    cluster.addNode(extra);
                    live.add(extra);
                    fx.awaitClusterSafe();
                }
                String killed = live.remove(0);
                long roomsOnKilled = fx.owners(games).values().stream()
                        .filter(killed::equals)
                        .count();
                long killedAt = System.nanoTime();
                cluster.nodes().get(killed).kill();
                traffic.set(false);
                moves.get();
                long recovery = fx.playAfterFault(games, killedAt);
                fx.awaitClusterSafe();
                fx.verify(games, "soak cycle " + cycle);
                fx.checkFencing(fence, "soak cycle " + cycle);
                Map<String, String> owners = fx.owners(games);
                assertThat(owners.values()).doesNotContain(drained, killed);
                System.out.printf(
                        "soak cycle %d: +%s, drained %s, killed %s (%d rooms); %d games, %d acknowledged moves,"
                                + " all present; playable within %d ms after the kill; cycle took %d s%n",
                        cycle,
                        added,
                        drained,
                        killed,
                        roomsOnKilled,
                        games.size(),
                        games.stream().mapToInt(g -> g.acked().size()).sum(),
                        recovery,
                        (System.nanoTime() - begin) / 1_000_000_000);
            }
            assertThat(cycle).as("cycles run in %d minutes", minutes).isPositive();
        }
    }
}
