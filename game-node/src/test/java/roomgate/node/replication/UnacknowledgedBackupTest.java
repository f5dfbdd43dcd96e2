package roomgate.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.spi.properties.ClusterProperty;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.HazelcastSettings;
import roomgate.protocol.v1.GameType;

/**
 * On two real Hazelcast members: a write whose synchronous backup never acknowledges is answered by
 * Hazelcast as stored once its backup timeout passes, while the writer still holds its quorum lease
 * (it hears the backup member's heartbeats). That is what a removed node that has not noticed sees
 * (its backups refused by members that dropped it), and what a partial cut does. The store must not
 * acknowledge it.
 */
class UnacknowledgedBackupTest {
    private static final long BACKUP_TIMEOUT_MILLIS = 2500;
    private static final long LEASE_MILLIS = 1500;
    /** Holds the backup member's only partition thread until the test lets it go. */
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    /** The hold has the thread (both members run in this JVM, so the processor counts down this latch). */
    private static final CountDownLatch HELD = new CountDownLatch(1);

    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        RELEASE.countDown();
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    /** Blocks the partition thread it runs on; no backup of it. */
    static final class Hold implements EntryProcessor<String, byte[], Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, byte[]> entry) {
            HELD.countDown();
            try {
                return RELEASE.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public EntryProcessor<String, byte[], Boolean> getBackupProcessor() {
            return null;
        }
    }

    @Test
    void aClaimWhoseBackupNeverAcknowledgesIsNotAcknowledged() throws Exception {
        String cluster = "unacked-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.add(s.getLocalPort());
            }
        }
        List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        for (int i = 0; i < 2; i++) {
            HazelcastSettings settings = new HazelcastSettings(
                    cluster,
                    "127.0.0.1",
                    ports.get(i),
                    addresses,
                    5,
                    1,
                    2,
                    HazelcastSettings.Discovery.TCP,
                    null,
                    BACKUP_TIMEOUT_MILLIS,
                    LEASE_MILLIS);
            Config config = HazelcastRoomStore.configure(settings.toMemberConfig(cluster + "-" + i, false, Map.of()));
            if (i == 1) {
                // One partition thread, so one held operation holds every partition of the backup member.
                config.setProperty(ClusterProperty.PARTITION_OPERATION_THREAD_COUNT.getName(), "1");
            }
            members.add(Hazelcast.newHazelcastInstance(config));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> members.stream()
                        .allMatch(m -> m.getCluster().getMembers().size() == 2
                                && m.getPartitionService().getPartitions().stream()
                                        .allMatch(p -> p.getOwner() != null)
                                && m.getPartitionService().isClusterSafe()));
        HazelcastInstance writer = members.get(0);
        HazelcastInstance backup = members.get(1);
        String room = keyOwnedBy(writer, "room-");
        String held = keyOwnedBy(backup, "held-");
        assertThat(writer.getPartitionService().getPartition(held).getOwner().localMember())
                .isFalse();
        RoomStore store = new HazelcastRoomStore(writer);
        assertThat(store.claim(room, "n1", Set.of("n1"), GameType.CHESS)
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS)
                        .outcome())
                .as("with both members working")
                .isEqualTo(RoomStore.Claim.Outcome.CLAIMED);

        CompletableFuture<Boolean> holding = writer.<String, byte[]>getMap(ClusterNames.ROOMS_MAP)
                .submitToKey(held, new Hold())
                .toCompletableFuture();
        assertThat(HELD.await(30, TimeUnit.SECONDS))
                .as("the backup member's partition thread held")
                .isTrue();
        long sent = System.nanoTime();
        CompletableFuture<RoomStore.Claim> claim = store.claim(room, "n1", Set.of("n1"), GameType.GAME_TYPE_UNSPECIFIED)
                .toCompletableFuture();

        assertThatThrownBy(() -> claim.get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(UnconfirmedBackupException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - sent))
                .as("answered only after its backup timeout, twice (the try and its last chance)")
                .isGreaterThanOrEqualTo(
                        Duration.ofMillis(2 * (BACKUP_TIMEOUT_MILLIS - Acknowledgement.CLOCK_MARGIN_MILLIS)));
        assertThat(holding).as("the backup member was held all along").isNotDone();
        RELEASE.countDown();
        assertThat(holding.get(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A key whose partition's primary is on {@code member} (so the other member holds its backup). */
    private static String keyOwnedBy(HazelcastInstance member, String prefix) {
        for (int i = 0; ; i++) {
            String key = prefix + i;
            if (member.getPartitionService().getPartition(key).getOwner().localMember()) {
                return key;
            }
        }
    }
}
