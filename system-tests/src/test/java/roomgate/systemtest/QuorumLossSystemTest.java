package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.client.RoomgateClient;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/**
 * A takeover the store refuses for a while: the successor's claims fail until the cluster is back
 * above its quorum. The rooms' clients must stay seated meanwhile (their gateways ask again) and
 * play on, with every acknowledged move, once a node can load the rooms. Before, one refused claim
 * unseated every participant of the room for good ({@code NOT_IN_ROOM} until they joined again).
 * A cluster that stays below its quorum gives the rooms up after a deadline and tells their clients.
 */
class QuorumLossSystemTest {
    private static final int ROOMS = 20;
    /** The gateway gives a room up this long after it began to move (RoomMoves.REJOIN_GIVE_UP_NANOS). */
    private static final long GIVE_UP_MS = 10_000;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LocalCluster cluster;
    private GameFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void roomsWhoseTakeoverWaitsForTheQuorumKeepTheirClientsSeated() throws Exception {
        // Two nodes and the default quorum of two game nodes: killing one leaves the cluster below it.
        cluster = LocalCluster.start("quorum-loss", 2, 2);
        fx = new GameFixture(cluster);
        List<LiveGame> games = fx.createGames("quorum", ROOMS, "node-1");
        fx.playAll(games, 4, Duration.ofSeconds(20));
        fx.awaitClusterSafe();

        FenceWatch fence = fx.watchFencing(games);
        long killedAt = System.nanoTime();
        cluster.nodes().get("node-1").kill();
        // node-2 is every room's successor; below the quorum its claims are refused.
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> claimErrors("node-2") > 0);
        long refusedAfter = (System.nanoTime() - killedAt) / 1_000_000;
        cluster.addNode("node-3");
        long quorumAfter = (System.nanoTime() - killedAt) / 1_000_000;
        long recovery = fx.playAfterFault(games, killedAt);

        fx.verify(games, "quorum lost");
        long connected = games.stream()
                .filter(g -> g.white().isOpen() && g.black().isOpen())
                .count();
        System.out.printf(
                "quorum lost: rooms %d, first claim refused %d ms after the kill, claims refused %.0f,"
                        + " node-3 ready %d ms after it, every room playable again within %d ms%n",
                games.size(), refusedAfter, claimErrors("node-2"), quorumAfter, recovery);
        fx.checkFencing(fence, "quorum lost");
        assertThat(connected).isEqualTo(games.size());
    }

    @Test
    void roomsNoNodeCanTakeOverAreGivenUpAfterTheDeadlineAndTheirClientsTold() throws Exception {
        cluster = LocalCluster.start("quorum-loss", 2, 2);
        fx = new GameFixture(cluster);
        List<LiveGame> games = fx.createGames("stuck", 5, "node-1");
        fx.playAll(games, 2, Duration.ofSeconds(20));
        fx.awaitClusterSafe();

        double refusedBefore = claimErrors("node-2");
        long killedAt = System.nanoTime();
        cluster.nodes().get("node-1").kill();
        // Once a takeover is refused, the gateways hold the rooms' requests (none goes to the dead node).
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> claimErrors("node-2") > refusedBefore);
        // The cluster stays below its quorum: each move waits while the gateway asks again, then is refused.
        // A claim made just before the node saw the quorum lost succeeds and the room's first append is
        // then refused: that move is OUTCOME_UNKNOWN, and the client, as told, tries again.
        AtomicInteger outcomeUnknown = new AtomicInteger();
        List<Future<ServerMessage>> answers = new ArrayList<>();
        for (LiveGame game : games) {
            answers.add(fx.submit(() -> {
                ServerMessage answer = game.sendNext(Duration.ofSeconds(30));
                while (answer.getError().getCode() == ErrorCode.OUTCOME_UNKNOWN) {
                    outcomeUnknown.incrementAndGet();
                    answer = game.sendNext(Duration.ofSeconds(30));
                }
                return answer;
            }));
        }
        for (int i = 0; i < games.size(); i++) {
            LiveGame game = games.get(i);
            ServerMessage answer = answers.get(i).get();
            long answeredMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(answer.getError().getCode())
                    .as("the held move in %s", game.roomId)
                    .isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
            assertThat(answer.getError().getMessage()).contains("join it again");
            assertThat(answeredMs)
                    .as("held while the gateway asked again, not refused at once")
                    .isGreaterThan(GIVE_UP_MS - 1_000);
            // Both players are unseated and told so, not only the one whose move was waiting.
            for (RoomgateClient player : List.of(game.white(), game.black())) {
                ServerMessage told =
                        player.await(m -> m.hasError() && m.getRequestId().isEmpty(), Duration.ofSeconds(5));
                assertThat(told.getError().getCode())
                        .as("told the room is lost")
                        .isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
                assertThat(told.getError().getRoomId()).isEqualTo(game.roomId);
            }
            System.out.printf(
                    "quorum lost for good: the held move in %s refused %d ms after the kill%n",
                    game.roomId, answeredMs);
        }
        System.out.printf(
                "quorum lost for good: claims refused %.0f, moves answered OUTCOME_UNKNOWN and sent again %d%n",
                claimErrors("node-2"), outcomeUnknown.get());
    }

    /** The node's count of claims that failed (the store refused or did not answer). */
    private double claimErrors(String nodeId) throws Exception {
        return Metrics.scrape(HTTP, cluster.nodeMetrics(nodeId))
                .value("roomgate_node_claims_total", "outcome", "error");
    }
}
