package roomgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.placement.NodeInfo;
import roomgate.protocol.admin.v1.NodeState;
import roomgate.protocol.admin.v1.NodeStatus;

/** Real Hazelcast members on loopback: a lite member (a gateway's view) follows game nodes. */
class LiveNodesTest {
    private final String cluster = "livenodes-" + UUID.randomUUID();
    private HazelcastInstance gateway;
    private HazelcastInstance node1;
    private HazelcastInstance node2;

    @AfterEach
    void stop() {
        for (HazelcastInstance hz : new HazelcastInstance[] {node2, node1, gateway}) {
            if (hz != null && hz.getLifecycleService().isRunning()) {
                hz.getLifecycleService().terminate();
            }
        }
    }

    @Test
    void liteMemberSeesNodesJoinAndLeaveWithTheirAttributes() throws IOException {
        int port = freePort();
        HazelcastSettings settings = new HazelcastSettings(
                cluster, "127.0.0.1", port, List.of("127.0.0.1:" + port + "-" + (port + 5)), 5, 1, 1);
        node1 = Hazelcast.newHazelcastInstance(
                settings.toMemberConfig("n1-" + cluster, false, NodeAttributes.of("node-a", "127.0.0.1", 7001, 11)));
        gateway = Hazelcast.newHazelcastInstance(settings.toMemberConfig("gw-" + cluster, true, Map.of()));
        LiveNodes live = LiveNodes.follow(gateway);
        // Members count as nodes once they publish a status; as members (whose rooms are not to be
        // taken) at once, and the lite member (the gateway) never.
        assertThat(live.current().nodes()).isEmpty();
        assertThat(live.memberNodeIds()).containsExactly("node-a");
        publish(node1, "node-a", NodeState.ACTIVE);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !live.current().nodes().isEmpty());

        assertThat(live.current().nodes()).extracting(NodeInfo::nodeId).containsExactly("node-a");
        NodeInfo a = live.current().nodes().get(0);
        assertThat(a.linkPort()).isEqualTo(7001);
        assertThat(a.pid()).isEqualTo(11);

        node2 = Hazelcast.newHazelcastInstance(
                settings.toMemberConfig("n2-" + cluster, false, NodeAttributes.of("node-b", "127.0.0.1", 7002, 12)));
        publish(node2, "node-b", NodeState.ACTIVE);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(live.current().nodes())
                        .extracting(NodeInfo::nodeId)
                        .containsExactly("node-a", "node-b"));
        assertThat(live.current().ownerOf("any-room").nodeId()).isIn("node-a", "node-b");

        // A draining node stays (it serves its rooms) but takes no new ones.
        publish(node2, "node-b", NodeState.DRAINING);
        await().atMost(Duration.ofSeconds(20)).until(() -> live.current().isDraining("node-b"));
        for (int i = 0; i < 50; i++) {
            assertThat(live.current().ownerOf("room-" + i).nodeId()).isEqualTo("node-a");
        }
        publish(node2, "node-b", NodeState.ACTIVE);
        await().atMost(Duration.ofSeconds(20)).until(() -> !live.current().isDraining("node-b"));
        long version = live.current().version();

        node1.getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(live.current().nodes())
                        .extracting(NodeInfo::nodeId)
                        .containsExactly("node-b"));
        assertThat(live.memberNodeIds()).containsExactly("node-b");
        assertThat(live.current().version()).isGreaterThan(version);
    }

    @Test
    void aStatusCountsOnlyForTheMemberThatPublishedIt() throws IOException {
        int port = freePort();
        HazelcastSettings settings = new HazelcastSettings(
                cluster, "127.0.0.1", port, List.of("127.0.0.1:" + port + "-" + (port + 5)), 5, 1, 1);
        gateway = Hazelcast.newHazelcastInstance(settings.toMemberConfig("gw-" + cluster, true, Map.of()));
        node1 = Hazelcast.newHazelcastInstance(
                settings.toMemberConfig("n1-" + cluster, false, NodeAttributes.of("node-a", "127.0.0.1", 7001, 11)));
        LiveNodes live = LiveNodes.follow(gateway);
        publish(node1, "node-a", NodeState.ACTIVE);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> live.current().nodes().size() == 1);

        // Killed: its status stays behind in the map.
        node1.getLifecycleService().terminate();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> live.current().nodes().isEmpty());
        assertThat(live.statuses()).containsKey("node-a");

        // Restarted under the same id: a member at once, routed to only once it has published.
        long before = live.current().version();
        node2 = Hazelcast.newHazelcastInstance(
                settings.toMemberConfig("n2-" + cluster, false, NodeAttributes.of("node-a", "127.0.0.1", 7002, 12)));
        await().atMost(Duration.ofSeconds(20)).until(() -> live.current().version() > before);
        assertThat(live.memberNodeIds()).containsExactly("node-a");
        assertThat(live.current().nodes())
                .as("routable on the status its previous process left")
                .isEmpty();

        publish(node2, "node-a", NodeState.ACTIVE);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(live.current().nodes())
                        .extracting(NodeInfo::linkPort)
                        .containsExactly(7002));
    }

    /** Publishes as the node itself does: from the member, naming its UUID. */
    private static void publish(HazelcastInstance node, String nodeId, NodeState state) {
        IMap<String, byte[]> status = node.getMap(ClusterNames.NODE_STATUS_MAP);
        status.set(
                nodeId,
                NodeStatus.newBuilder()
                        .setNodeId(nodeId)
                        .setState(state)
                        .setMemberUuid(
                                node.getCluster().getLocalMember().getUuid().toString())
                        .build()
                        .toByteArray());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
