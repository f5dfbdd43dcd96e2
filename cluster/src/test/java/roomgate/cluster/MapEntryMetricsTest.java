package roomgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real member on loopback: the gauges follow the entries of the rooms map and the archive queue. */
class MapEntryMetricsTest {
    private HazelcastInstance member;

    @AfterEach
    void stop() {
        if (member != null) {
            member.getLifecycleService().terminate();
        }
    }

    @Test
    void gaugesCountTheEntriesThisMemberOwns() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String cluster = "map-entries-" + UUID.randomUUID();
        HazelcastSettings settings =
                new HazelcastSettings(cluster, "127.0.0.1", port, List.of("127.0.0.1:" + port), 5, 1, 1);
        member = Hazelcast.newHazelcastInstance(
                settings.toMemberConfig("m-" + cluster, false, NodeAttributes.of("node-a", "127.0.0.1", 7001, 1)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new MapEntryMetrics(member).bindTo(registry);

        // The quorum of the rooms map is met once the member has seen its own membership: until then writes are
        // refused.
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .untilAsserted(() -> member.getMap(ClusterNames.ROOMS_MAP).set("room-0", new byte[] {1}));
        for (int i = 0; i < 3; i++) {
            member.getMap(ClusterNames.ROOMS_MAP).put("room-" + i, new byte[] {1});
        }
        member.getMap(ClusterNames.ARCHIVE_QUEUE_MAP).put("room-0", 5L);
        assertThat(entries(registry, ClusterNames.ROOMS_MAP)).isEqualTo(3);
        assertThat(entries(registry, ClusterNames.ARCHIVE_QUEUE_MAP)).isEqualTo(1);

        member.getMap(ClusterNames.ROOMS_MAP).delete("room-1");
        member.getMap(ClusterNames.ARCHIVE_QUEUE_MAP).delete("room-0");
        assertThat(entries(registry, ClusterNames.ROOMS_MAP)).isEqualTo(2);
        assertThat(entries(registry, ClusterNames.ARCHIVE_QUEUE_MAP)).isZero();

        member.getLifecycleService().terminate();
        assertThat(entries(registry, ClusterNames.ROOMS_MAP)).isNaN();
    }

    private static double entries(SimpleMeterRegistry registry, String map) {
        return registry.get("roomgate.hazelcast.map.entries")
                .tag("map", map)
                .gauge()
                .value();
    }
}
