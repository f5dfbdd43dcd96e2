package roomgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.HazelcastSettings;
import roomgate.cluster.NodeAttributes;

/** Spending in the cluster's map, on a real Hazelcast member: first wins across gateways, kept for a time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HazelcastSpentConnectionsTest {
    private HazelcastInstance member;

    @BeforeAll
    void startMember() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String cluster = "spent-" + UUID.randomUUID();
        member = Hazelcast.newHazelcastInstance(
                new HazelcastSettings(cluster, "127.0.0.1", port, List.of("127.0.0.1:" + port), 5, 1, 1)
                        .toMemberConfig(cluster, false, NodeAttributes.of("node-a", "127.0.0.1", 7001, 1)));
        // The map shares the rooms map's quorum, met once the member has seen its own membership.
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .untilAsserted(
                        () -> member.getMap(ClusterNames.SPENT_RESUMES_MAP).set("warm-up", "x"));
    }

    @AfterAll
    void stopMember() {
        if (member != null) {
            member.getLifecycleService().terminate();
        }
    }

    private static boolean spend(SpentConnections spent, String connectionId) throws Exception {
        return spent.spend(connectionId).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theFirstSpendWinsForEveryGatewayAndTheEntryLivesAsLongAsItsTokens() throws Exception {
        SpentConnections gw1 = new HazelcastSpentConnections(member, "gw-1", Duration.ofMinutes(11));
        SpentConnections gw2 = new HazelcastSpentConnections(member, "gw-2", Duration.ofMinutes(11));
        String connection = ResumeTokens.newConnectionId();
        assertThat(spend(gw1, connection)).isTrue();
        assertThat(spend(gw2, connection)).as("another gateway").isFalse();
        assertThat(spend(gw1, connection)).as("the same gateway again").isFalse();
        assertThat(spend(gw2, ResumeTokens.newConnectionId()))
                .as("another connection")
                .isTrue();
        assertThat(member.getMap(ClusterNames.SPENT_RESUMES_MAP)
                        .getEntryView(connection)
                        .getTtl())
                .as("kept as long as the tokens it stands for, then expired by Hazelcast")
                .isEqualTo(Duration.ofMinutes(11).toMillis());
        assertThat(member.getConfig()
                        .getMapConfig(ClusterNames.SPENT_RESUMES_MAP)
                        .getBackupCount())
                .as("a spend survives the loss of one member")
                .isEqualTo(1);
    }
}
