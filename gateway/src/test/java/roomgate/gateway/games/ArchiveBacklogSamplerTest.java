package roomgate.gateway.games;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.HazelcastSettings;
import roomgate.cluster.NodeAttributes;

/**
 * The backlog for /health: sampled while the cluster answers; after a refusal (below the quorum)
 * only probed, one partition at a time, until a probe passes.
 */
class ArchiveBacklogSamplerTest {
    /** A queue that counts what it is asked, and refuses while told to. */
    private static final class CountingQueue implements ArchiveBacklogSampler.Queue {
        long entries;
        boolean refuseSizes;
        boolean refuseProbes;
        int sizes;
        int probes;

        @Override
        public long size() {
            sizes++;
            if (refuseSizes) {
                throw new SplitBrainProtectionException("below the quorum");
            }
            return entries;
        }

        @Override
        public void probe() {
            probes++;
            if (refuseProbes) {
                throw new SplitBrainProtectionException("below the quorum");
            }
        }
    }

    @Test
    void aClusterThatAnswersIsSampledEveryRoundWithoutProbes() {
        CountingQueue queue = new CountingQueue();
        ArchiveBacklogSampler sampler = new ArchiveBacklogSampler(queue);
        assertThat(sampler.backlog()).as("not sampled yet").isEqualTo(-1);

        queue.entries = 7;
        sampler.sample();
        assertThat(sampler.backlog()).isEqualTo(7);
        queue.entries = 3;
        sampler.sample();
        assertThat(sampler.backlog()).isEqualTo(3);
        assertThat(queue.sizes).isEqualTo(2);
        assertThat(queue.probes).isZero();
    }

    @Test
    void belowTheQuorumOnlyAProbeIsSentEachRoundUntilOnePasses() {
        CountingQueue queue = new CountingQueue();
        ArchiveBacklogSampler sampler = new ArchiveBacklogSampler(queue);
        queue.entries = 5;
        sampler.sample();

        queue.refuseSizes = true;
        queue.refuseProbes = true;
        sampler.sample();
        assertThat(sampler.backlog()).as("refused: unknown").isEqualTo(-1);
        assertThat(queue.sizes).isEqualTo(2);
        for (int round = 0; round < 10; round++) {
            sampler.sample();
        }
        assertThat(queue.sizes).as("no cluster-wide size while refused").isEqualTo(2);
        assertThat(queue.probes).isEqualTo(10);
        assertThat(sampler.backlog()).isEqualTo(-1);

        queue.refuseSizes = false;
        queue.refuseProbes = false;
        queue.entries = 9;
        sampler.sample();
        assertThat(sampler.backlog())
                .as("sampled in the round whose probe passed")
                .isEqualTo(9);
        assertThat(queue.probes).isEqualTo(11);
        sampler.sample();
        assertThat(queue.probes).as("answering again: no more probes").isEqualTo(11);
        assertThat(queue.sizes).isEqualTo(4);
    }

    @Test
    void aProbeThatPassesWhileTheSizeIsStillRefusedLeavesTheFigureUnknown() {
        CountingQueue queue = new CountingQueue();
        ArchiveBacklogSampler sampler = new ArchiveBacklogSampler(queue);
        queue.refuseSizes = true;
        sampler.sample();
        sampler.sample(); // probe passes, the size is refused (some partitions' owners lack the quorum)
        assertThat(sampler.backlog()).isEqualTo(-1);
        sampler.sample();
        assertThat(queue.probes)
                .as("each round after a refusal starts with a probe")
                .isEqualTo(2);
    }

    @Test
    void aSinglePartitionReadIsRefusedBelowTheQuorumAsTheSizeIs() throws Exception {
        // One game node where two make the quorum: what a cluster that lost a node looks like.
        HazelcastInstance member = member(2);
        try {
            IMap<String, Long> map = member.getMap(ClusterNames.ARCHIVE_QUEUE_MAP);
            ArchiveBacklogSampler.Queue queue = ArchiveBacklogSampler.of(map);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThatThrownBy(queue::probe).isInstanceOf(SplitBrainProtectionException.class));
            assertThatThrownBy(queue::size).isInstanceOf(SplitBrainProtectionException.class);
            ArchiveBacklogSampler sampler = new ArchiveBacklogSampler(queue);
            sampler.sample();
            sampler.sample();
            assertThat(sampler.backlog()).isEqualTo(-1);
        } finally {
            member.getLifecycleService().terminate();
        }
    }

    private static HazelcastInstance member(int quorumSize) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String cluster = "backlog-" + UUID.randomUUID();
        return Hazelcast.newHazelcastInstance(
                new HazelcastSettings(cluster, "127.0.0.1", port, List.of("127.0.0.1:" + port), 5, 1, quorumSize)
                        .toMemberConfig(cluster, false, NodeAttributes.of("node-a", "127.0.0.1", 7001, 1)));
    }
}
