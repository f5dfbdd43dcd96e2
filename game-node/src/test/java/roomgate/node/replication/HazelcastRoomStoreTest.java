package roomgate.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.cluster.HazelcastSettings;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.MoveMade;
import roomgate.protocol.v1.RoomEvent;

/**
 * The replicated store on two real Hazelcast members: writes go through the entry processors and
 * their identified serialization, and the backup holds exactly what the primary wrote, so the
 * record survives losing the member that owned its partition.
 */
class HazelcastRoomStoreTest {
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    private void startMembers(int count) throws IOException {
        String cluster = "store-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.add(s.getLocalPort());
            }
        }
        List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        for (int i = 0; i < count; i++) {
            HazelcastSettings settings = new HazelcastSettings(cluster, "127.0.0.1", ports.get(i), addresses, 5, 1, 1);
            members.add(Hazelcast.newHazelcastInstance(
                    HazelcastRoomStore.configure(settings.toMemberConfig(cluster + "-" + i, false, Map.of()))));
        }
        // Partitions are assigned lazily, and a cluster with none assigned counts as safe: wait for
        // every partition to have an owner too, or a test may ask who owns a key and get null.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> members.stream()
                        .allMatch(m -> m.getCluster().getMembers().size() == count
                                && m.getPartitionService().getPartitions().stream()
                                        .allMatch(p -> p.getOwner() != null)
                                && m.getPartitionService().isClusterSafe()));
    }

    /** Moves, not chat: a record keeps only its latest chat lines, and these tests count every event. */
    private static List<RoomEvent> moves(String room, long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(s -> RoomEvent.newBuilder()
                        .setRoomId(room)
                        .setSequence(s)
                        .setMoveMade(MoveMade.newBuilder().setUci("m" + s))
                        .build())
                .toList();
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get();
    }

    @Test
    void theRecordSurvivesLosingThePrimaryWithItsEpochAndEveryEvent() throws Exception {
        startMembers(2);
        String room = "survivor-" + UUID.randomUUID();
        HazelcastInstance primary = members.stream()
                .filter(m ->
                        m.getPartitionService().getPartition(room).getOwner().localMember())
                .findFirst()
                .orElseThrow();
        HazelcastInstance other =
                members.stream().filter(m -> m != primary).findFirst().orElseThrow();
        RoomStore store = new HazelcastRoomStore(other);

        RoomStore.Claim created = get(store.claim(room, "n1", Set.of("n1"), GameType.CHESS));
        assertThat(created.outcome()).isEqualTo(RoomStore.Claim.Outcome.CLAIMED);
        // Several appends in flight at once, as group commit never does, still land in order.
        List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        for (long s = 1; s <= 40; s += 4) {
            writes.add(store.append(room, 1, moves(room, s, s + 3)).toCompletableFuture());
        }
        for (CompletableFuture<Boolean> w : writes) {
            assertThat(w.get()).isTrue();
        }
        assertThat(get(store.append(room, 1, moves(room, 37, 40))))
                .as("a repeated append")
                .isTrue();

        members.remove(primary);
        primary.getLifecycleService().terminate();

        RoomRecord survived = get(store.read(room));
        assertThat(survived.getEpoch()).isEqualTo(1);
        assertThat(survived.getOwnerNodeId()).isEqualTo("n1");
        assertThat(survived.getEventsList())
                .extracting(RoomEvent::getSequence)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());

        RoomStore.Claim taken = get(store.claim(room, "n2", Set.of("n2"), GameType.GAME_TYPE_UNSPECIFIED));
        assertThat(taken.outcome()).isEqualTo(RoomStore.Claim.Outcome.CLAIMED);
        assertThat(taken.record().getEpoch()).isEqualTo(2);
        assertThat(taken.record().getEventsCount()).isEqualTo(40);
        assertThat(get(store.append(room, 1, moves(room, 41, 41))))
                .as("the old owner is fenced")
                .isFalse();
        assertThat(get(store.append(room, 2, moves(room, 41, 41)))).isTrue();
    }

    @Test
    void transfersAndSnapshotsGoThroughTheClusterToo() throws Exception {
        startMembers(2);
        RoomStore store = new HazelcastRoomStore(members.get(0));
        String room = "moved-" + UUID.randomUUID();
        get(store.claim(room, "n1", Set.of("n1", "n2"), GameType.ARENA));
        assertThat(get(store.append(room, 1, moves(room, 1, 3)))).isTrue();
        assertThat(get(store.snapshot(room, 1, roomgate.protocol.v1.RoomState.getDefaultInstance(), 2, List.of())))
                .isTrue();
        assertThat(get(store.transfer(room, 1, "n2"))).isTrue();
        assertThat(get(store.transfer(room, 1, "n2")))
                .as("another transfer from a stale epoch")
                .isFalse();

        RoomRecord record = get(store.read(room));
        assertThat(record.getOwnerNodeId()).isEqualTo("n2");
        assertThat(record.getEpoch()).isEqualTo(2);
        assertThat(record.getSnapshotSequence()).isEqualTo(2);
        assertThat(record.getEventsList()).extracting(RoomEvent::getSequence).containsExactly(3L);
        RoomStore.Claim elsewhere = get(store.claim(room, "n1", Set.of("n1", "n2"), GameType.ARENA));
        assertThat(elsewhere.outcome()).isEqualTo(RoomStore.Claim.Outcome.OWNED_ELSEWHERE);
        assertThat(elsewhere.ownerNodeId()).isEqualTo("n2");
    }
}
