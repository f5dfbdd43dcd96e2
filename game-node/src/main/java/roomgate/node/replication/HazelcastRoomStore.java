package roomgate.node.replication;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import roomgate.cluster.ClusterNames;
import roomgate.protocol.link.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * {@link RoomStore} on a Hazelcast map (one synchronous backup, split-brain protected; see
 * HazelcastSettings). Each operation is an entry processor, so the epoch check and the write are
 * one atomic step on the partition that owns the room, and the call completes only once the backup
 * has the change too. Records are protobuf bytes: no Java serialization of room state.
 */
public final class HazelcastRoomStore implements RoomStore {
    private final IMap<String, byte[]> rooms;

    public HazelcastRoomStore(HazelcastInstance hazelcast) {
        this.rooms = hazelcast.getMap(ClusterNames.ROOMS_MAP);
    }

    @Override
    public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        return rooms.submitToKey(roomId, new ClaimProcessor(nodeId, Set.copyOf(liveNodeIds), createAs.getNumber()))
                .thenApply(HazelcastRoomStore::toClaim);
    }

    @Override
    public CompletionStage<Boolean> append(String roomId, long epoch, RoomEvent event) {
        return rooms.submitToKey(roomId, new AppendProcessor(epoch, event.toByteArray()));
    }

    @Override
    public CompletionStage<Boolean> snapshot(String roomId, long epoch, RoomState state, long sequence,
            List<ChatMessage> chat) {
        RoomRecord carrier = RoomRecord.newBuilder().setSnapshot(state).setSnapshotSequence(sequence)
                .addAllSnapshotChat(chat).build();
        return rooms.submitToKey(roomId, new SnapshotProcessor(epoch, carrier.toByteArray()));
    }

    @Override
    public CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId) {
        return rooms.submitToKey(roomId, new TransferProcessor(epoch, toNodeId));
    }

    @Override
    public CompletionStage<RoomRecord> read(String roomId) {
        return rooms.getAsync(roomId).thenApply(bytes -> bytes == null ? null : parse(bytes));
    }

    private static Claim toClaim(byte[] answer) {
        RoomRecord record = parse(answer);
        if (record.getEpoch() == 0) {
            // The processor's way of saying "not yours": owner filled in, or empty for no room.
            return record.getOwnerNodeId().isEmpty()
                    ? new Claim(Claim.Outcome.ABSENT, null, "")
                    : new Claim(Claim.Outcome.OWNED_ELSEWHERE, null, record.getOwnerNodeId());
        }
        return new Claim(Claim.Outcome.CLAIMED, record, record.getOwnerNodeId());
    }

    static RoomRecord parse(byte[] bytes) {
        try {
            return RoomRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt room record", e);
        }
    }

    /** Answers the claimed record, or a record with epoch 0 naming the owner (or nobody). */
    static final class ClaimProcessor implements EntryProcessor<String, byte[], byte[]>, Serializable {
        private static final long serialVersionUID = 1L;
        private final String nodeId;
        private final Set<String> liveNodeIds;
        private final int createAs;

        ClaimProcessor(String nodeId, Set<String> liveNodeIds, int createAs) {
            this.nodeId = nodeId;
            this.liveNodeIds = liveNodeIds;
            this.createAs = createAs;
        }

        @Override
        public byte[] process(Map.Entry<String, byte[]> entry) {
            RoomRecord current = entry.getValue() == null ? null : parse(entry.getValue());
            RoomRecord claimed = ClaimRules.claim(current, entry.getKey(), nodeId, liveNodeIds, GameType.forNumber(createAs));
            if (claimed == null) {
                String owner = current == null ? "" : current.getOwnerNodeId();
                return RoomRecord.newBuilder().setRoomId(entry.getKey()).setOwnerNodeId(owner).build().toByteArray();
            }
            byte[] bytes = claimed.toByteArray();
            entry.setValue(bytes);
            return bytes;
        }
    }

    static final class AppendProcessor implements EntryProcessor<String, byte[], Boolean>, Serializable {
        private static final long serialVersionUID = 1L;
        private final long epoch;
        private final byte[] event;

        AppendProcessor(long epoch, byte[] event) {
            this.epoch = epoch;
            this.event = event;
        }

        @Override
        public Boolean process(Map.Entry<String, byte[]> entry) {
            RoomRecord current = entry.getValue() == null ? null : parse(entry.getValue());
            if (!ClaimRules.mayWrite(current, epoch)) {
                return false;
            }
            try {
                entry.setValue(current.toBuilder().addEvents(RoomEvent.parseFrom(event)).build().toByteArray());
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("append of a corrupt event", e);
            }
            return true;
        }
    }

    /** Carries the snapshot as a RoomRecord holding only snapshot fields, to reuse one parser. */
    static final class SnapshotProcessor implements EntryProcessor<String, byte[], Boolean>, Serializable {
        private static final long serialVersionUID = 1L;
        private final long epoch;
        private final byte[] snapshot;

        SnapshotProcessor(long epoch, byte[] snapshot) {
            this.epoch = epoch;
            this.snapshot = snapshot;
        }

        @Override
        public Boolean process(Map.Entry<String, byte[]> entry) {
            RoomRecord current = entry.getValue() == null ? null : parse(entry.getValue());
            if (!ClaimRules.mayWrite(current, epoch)) {
                return false;
            }
            RoomRecord carrier = parse(snapshot);
            entry.setValue(ClaimRules.withSnapshot(current, carrier.getSnapshot(), carrier.getSnapshotSequence(),
                    carrier.getSnapshotChatList()).toByteArray());
            return true;
        }
    }

    static final class TransferProcessor implements EntryProcessor<String, byte[], Boolean>, Serializable {
        private static final long serialVersionUID = 1L;
        private final long epoch;
        private final String toNodeId;

        TransferProcessor(long epoch, String toNodeId) {
            this.epoch = epoch;
            this.toNodeId = toNodeId;
        }

        @Override
        public Boolean process(Map.Entry<String, byte[]> entry) {
            RoomRecord current = entry.getValue() == null ? null : parse(entry.getValue());
            if (!ClaimRules.mayWrite(current, epoch)) {
                return false;
            }
            entry.setValue(current.toBuilder().setOwnerNodeId(toNodeId).setEpoch(epoch + 1).build().toByteArray());
            return true;
        }
    }
}
