package roomgate.node.replication;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.LeaseSplitBrainProtection;
import roomgate.cluster.QuorumLease;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * {@link RoomStore} on a Hazelcast map (one synchronous backup, split-brain protected; see
 * HazelcastSettings). Each write is an entry processor ({@link RecordWrites}), so the epoch check
 * and the write are one atomic step on the partition that owns the room, and the call completes
 * only once the backup has the change too. Records are protobuf bytes: no Java serialization of
 * room state.
 */
public final class HazelcastRoomStore implements RoomStore {
    /**
     * Well above a write's latency during a failover on the 2-core test machine (up to ~1.4 s while
     * partitions are promoted and migrated), so only a write that is stuck is sent again; two repeats,
     * as after ~6 s Hazelcast's backup timeout answers anyway.
     */
    private final WriteHedge hedge = new WriteHedge(Duration.ofSeconds(2), 2);

    private final IMap<String, byte[]> rooms;
    private final QuorumLease lease;

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
        this.lease = leased.lease();
    }

    /** Registers the writes' serialization; every game node's config needs it before it starts. */
    public static Config configure(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(RecordWrites.FACTORY_ID, RecordWrites::create);
        return config;
    }

    @Override
    public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        String token = UUID.randomUUID().toString();
        return hedge.send(
                        "claim",
                        roomId,
                        claim -> claim.outcome() == Claim.Outcome.CLAIMED,
                        () -> plain(rooms.submitToKey(
                                        roomId,
                                        new RecordWrites.Claim(nodeId, liveNodeIds, createAs.getNumber(), token)))
                                .thenApply(RecordOps::toClaim))
                .thenApply(claim -> leased("claim", roomId, claim));
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
        return hedge.send(kind, roomId, Boolean.TRUE::equals, () -> plain(rooms.submitToKey(roomId, processor.get())))
                .thenApply(stored -> leased(kind, roomId, stored));
    }

    /**
     * {@code answer}, if this node still holds its quorum lease now that the write returned;
     * otherwise the write fails, stored or not: it may have waited out the backup timeout across a
     * cut, and the side that keeps the room may never have it (QuorumLease). A failed write leaves
     * the room in doubt, which its owner handles as a room lost.
     */
    private <T> T leased(String kind, String roomId, T answer) {
        if (!lease.holds()) {
            throw new QuorumLeaseLostException("room " + roomId + ": " + kind + " returned after this node last heard"
                    + " from a quorum (" + lease.leaseMillis() + " ms lease): not acknowledged");
        }
        return answer;
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
