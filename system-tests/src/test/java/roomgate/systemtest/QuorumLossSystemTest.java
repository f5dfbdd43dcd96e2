package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A takeover the store refuses for a while: the successor's claims fail until the cluster is back
 * above its quorum. The rooms' clients must stay seated meanwhile (their gateways ask again) and
 * play on, with every acknowledged move, once a node can load the rooms. Before, one refused claim
 * unseated every participant of the room for good ({@code NOT_IN_ROOM} until they joined again).
 */
class QuorumLossSystemTest {
    private static final int ROOMS = 20;
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

        long killedAt = System.nanoTime();
        cluster.nodes().get("node-1").kill();
        // node-2 is every room's successor; below the quorum its claims are refused.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> claimErrors("node-2") > 0);
        long refusedAfter = (System.nanoTime() - killedAt) / 1_000_000;
        cluster.addNode("node-3");
        long quorumAfter = (System.nanoTime() - killedAt) / 1_000_000;
        long recovery = fx.playAfterFault(games, killedAt);

        fx.verify(games, "quorum lost");
        long connected = games.stream().filter(g -> g.white().isOpen() && g.black().isOpen()).count();
        System.out.printf("quorum lost: rooms %d, first claim refused %d ms after the kill, claims refused %.0f,"
                + " node-3 ready %d ms after it, every room playable again within %d ms%n",
                games.size(), refusedAfter, claimErrors("node-2"), quorumAfter, recovery);
        assertThat(connected).isEqualTo(games.size());
    }

    /** The node's count of claims that failed (the store refused or did not answer). */
    private double claimErrors(String nodeId) throws Exception {
        return Metrics.scrape(HTTP, cluster.nodeMetrics(nodeId)).value("roomgate_node_claims_total", "outcome", "error");
    }
}
