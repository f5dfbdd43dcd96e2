package roomgate.node.replication;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.LeaseSplitBrainProtection;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * {@link RoomStore} on a Hazelcast map (one synchronous backup, split-brain protected; see
 * HazelcastSettings). Each write is an entry processor ({@link RecordWrites}), so the epoch check
 * and the write are one atomic step on the partition that owns the room, and the call completes
 * only once the backup has the change too: a write Hazelcast answers without its backup's
 * acknowledgement, once its backup timeout passes, is not acknowledged ({@link Acknowledgement}).
 * Records are protobuf bytes: no Java serialization of room state.
 */
public final class HazelcastRoomStore implements RoomStore {
    /**
     * Well above a write's latency during a failover on the 2-core test machine (up to ~1.4 s while
     * partitions are promoted and migrated), so only a write that is stuck is sent again; two repeats,
     * as after ~6 s Hazelcast's backup timeout answers anyway (a try it answers is unconfirmed, and
     * gets one more repeat of its own: Acknowledgement).
     */
    private final WriteHedge hedge = new WriteHedge(Duration.ofSeconds(2), 2);

    private final IMap<String, byte[]> rooms;
    private final Acknowledgement acknowledgement;

    public HazelcastRoomStore(HazelcastInstance hazelcast) {
        this.rooms = hazelcast.getMap(ClusterNames.ROOMS_MAP);
        // A game node that leaves may have held the synchronous backup some writes still wait for:
        // they are sent again at once (WriteHedge.memberLeft). Gateways hold no partitions. The
        // system property turns it off only to measure what it brings (HangStallBenchTest).
        if (Boolean.parseBoolean(System.getProperty("roomgate.store.resendOnMemberLeft", "true"))) {
            hazelcast.getCluster().addMembershipListener(new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent event) {}

                @Override
                public void memberRemoved(MembershipEvent event) {
                    if (!event.getMember().isLiteMember()) {
                        hedge.memberLeft();
                    }
                }
            });
        }
        SplitBrainProtectionFunction protection = hazelcast
                .getConfig()
                .getSplitBrainProtectionConfig(ClusterNames.ROOMS_QUORUM)
                .getFunctionImplementation();
        if (!(protection instanceof LeaseSplitBrainProtection leased)) {
            throw new IllegalArgumentException("the rooms' split-brain protection is " + protection
                    + " (expected: the quorum lease of HazelcastSettings.toMemberConfig)");
        }
        this.acknowledgement = new Acknowledgement(
                leased.lease(),
                () -> otherDataMembers(hazelcast),
                backupTimeoutMillis(hazelcast.getConfig()),
                System::nanoTime);
    }

    /** The game nodes other than this one in the member list as it is now (gateways hold no records). */
    private static List<UUID> otherDataMembers(HazelcastInstance hazelcast) {
        List<UUID> others = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            if (!member.localMember() && !member.isLiteMember()) {
                others.add(member.getUuid());
            }
        }
        return others;
    }

    /** The backup timeout this member runs with: HazelcastSettings states it; Hazelcast's default otherwise. */
    private static long backupTimeoutMillis(Config config) {
        return new HazelcastProperties(config).getMillis(ClusterProperty.OPERATION_BACKUP_TIMEOUT_MILLIS);
    }

    /** Registers the writes' serialization; every game node's config needs it before it starts. */
    public static Config configure(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(RecordWrites.FACTORY_ID, RecordWrites::create);
        return config;
    }

    @Override
    public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        String token = UUID.randomUUID().toString();
        Predicate<Claim> taken = claim -> claim.outcome() == Claim.Outcome.CLAIMED;
        return hedge.send(
                        "claim",
                        roomId,
                        taken,
                        () -> acknowledgement.attempt(
                                "claim",
                                roomId,
                                taken,
                                () -> plain(rooms.submitToKey(
                                                roomId,
                                                new RecordWrites.Claim(
                                                        nodeId, liveNodeIds, createAs.getNumber(), token)))
                                        .thenApply(RecordOps::toClaim)))
                .thenApply(claim -> acknowledgement.leased("claim", roomId, claim));
    }

    @Override
    public CompletionStage<Boolean> append(String roomId, long epoch, List<RoomEvent> events) {
        byte[] batch = RecordOps.batchOf(events);
        return write("append", roomId, () -> new RecordWrites.Append(epoch, batch));
    }

    @Override
    public CompletionStage<Boolean> snapshot(
            String roomId, long epoch, RoomState state, long sequence, List<ChatMessage> chat) {
        return write("snapshot", roomId, () -> new RecordWrites.Snapshot(epoch, state, sequence, chat));
    }

    @Override
    public CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId) {
        String token = UUID.randomUUID().toString();
        return write("transfer", roomId, () -> new RecordWrites.Transfer(epoch, toNodeId, token));
    }

    /** A write answered true once stored; each try sends a fresh {@code processor} (same token, same events). */
    private CompletionStage<Boolean> write(
            String kind, String roomId, Supplier<EntryProcessor<String, byte[], Boolean>> processor) {
        return hedge.send(
                        kind,
                        roomId,
                        Boolean.TRUE::equals,
                        () -> acknowledgement.attempt(
                                kind,
                                roomId,
                                Boolean.TRUE::equals,
                                () -> plain(rooms.submitToKey(roomId, processor.get()))))
                .thenApply(stored -> acknowledgement.leased(kind, roomId, stored));
    }

    @Override
    public CompletionStage<RoomRecord> read(String roomId) {
        return plain(rooms.getAsync(roomId)).thenApply(bytes -> bytes == null ? null : RecordOps.parse(bytes));
    }

    /**
     * A plain future completed on the thread that completes Hazelcast's. Hazelcast runs even the
     * non-async stages chained on its futures in its default async executor, which on a machine with
     * fewer than three cores (common pool parallelism 1) starts a new thread per callback: measured,
     * that made every append queue behind thread creation. The stages after this one are cheap (a
     * timer, a parse), and the room's own work hops to its stripe as before.
     */
    private static <T> CompletableFuture<T> plain(CompletionStage<T> hazelcast) {
        CompletableFuture<T> result = new CompletableFuture<>();
        hazelcast.whenCompleteAsync(
                (value, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(value);
                    }
                },
                Runnable::run);
        return result;
    }
}
