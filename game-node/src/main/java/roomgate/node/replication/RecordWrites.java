package roomgate.node.replication;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomState;

/**
 * The entry processors of {@link HazelcastRoomStore}: each applies one {@link RecordOps} rule on the
 * partition that owns the room.
 *
 * <p>The backup replica is not asked to run the rule again: it is sent the record the primary
 * wrote ({@link ReplaceValue}). Re-running it there could decide differently — a claim on a backup
 * that missed an earlier write would take another epoch — and primary and backup would disagree
 * about who owns the room. Identified serialization instead of Java's: these cross the network on
 * every move.
 */
// EntryProcessor extends Serializable, but Hazelcast sends these with their identified serialization: no
// serialVersionUID is ever read.
@SuppressWarnings("serial")
final class RecordWrites {
    static final int FACTORY_ID = 0x52474d31; // "RGM1"
    private static final int CLAIM = 1;
    private static final int APPEND = 2;
    private static final int SNAPSHOT = 3;
    private static final int TRANSFER = 4;
    private static final int REPLACE_VALUE = 5;

    private RecordWrites() {}

    static IdentifiedDataSerializable create(int classId) {
        return switch (classId) {
            case CLAIM -> new Claim();
            case APPEND -> new Append();
            case SNAPSHOT -> new Snapshot();
            case TRANSFER -> new Transfer();
            case REPLACE_VALUE -> new ReplaceValue<>();
            default -> throw new IllegalArgumentException("classId: " + classId + " (expected: 1..5)");
        };
    }

    /** A write: runs its rule on the primary and remembers what it stored, for the backup. */
    private abstract static class Write<R> implements EntryProcessor<String, byte[], R>, IdentifiedDataSerializable {
        private transient byte[] written;

        abstract RecordOps.Result<R> apply(String roomId, byte[] stored);

        @Override
        public final R process(Map.Entry<String, byte[]> entry) {
            written = null; // a local retry runs this same instance again
            RecordOps.Result<R> result = apply(entry.getKey(), entry.getValue());
            if (result.next() != null) {
                entry.setValue(result.next());
                written = result.next();
            }
            return result.answer();
        }

        /** Called on the primary after {@link #process}: nothing to back up when nothing changed. */
        @Override
        public final EntryProcessor<String, byte[], R> getBackupProcessor() {
            return written == null ? null : new ReplaceValue<>(written);
        }

        @Override
        public final int getFactoryId() {
            return FACTORY_ID;
        }
    }

    /** The backup's side of every write: store exactly what the primary stored. */
    static final class ReplaceValue<R> implements EntryProcessor<String, byte[], R>, IdentifiedDataSerializable {
        private byte[] value;

        ReplaceValue() {}

        ReplaceValue(byte[] value) {
            this.value = value;
        }

        @Override
        public R process(Map.Entry<String, byte[]> entry) {
            entry.setValue(value);
            return null;
        }

        @Override
        public EntryProcessor<String, byte[], R> getBackupProcessor() {
            return null;
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return REPLACE_VALUE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeByteArray(value);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            value = in.readByteArray();
        }
    }

    static final class Claim extends Write<byte[]> {
        private String nodeId;
        private Set<String> liveNodeIds;
        private int createAs;
        private String token;

        Claim() {}

        Claim(String nodeId, Set<String> liveNodeIds, int createAs, String token) {
            this.nodeId = nodeId;
            this.liveNodeIds = Set.copyOf(liveNodeIds);
            this.createAs = createAs;
            this.token = token;
        }

        @Override
        RecordOps.Result<byte[]> apply(String roomId, byte[] stored) {
            return RecordOps.claim(stored, roomId, nodeId, liveNodeIds, GameType.forNumber(createAs), token);
        }

        @Override
        public int getClassId() {
            return CLAIM;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(nodeId);
            out.writeInt(liveNodeIds.size());
            for (String id : liveNodeIds) {
                out.writeString(id);
            }
            out.writeInt(createAs);
            out.writeString(token);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            nodeId = in.readString();
            int n = in.readInt();
            Set<String> ids = new HashSet<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(in.readString());
            }
            liveNodeIds = ids;
            createAs = in.readInt();
            token = in.readString();
        }
    }

    /** A write checked against the writer's epoch that carries its data as one encoded payload. */
    private abstract static class EpochWrite extends Write<Boolean> {
        long epoch;
        byte[] payload;

        EpochWrite() {}

        EpochWrite(long epoch, byte[] payload) {
            this.epoch = epoch;
            this.payload = payload;
        }

        @Override
        public final void writeData(ObjectDataOutput out) throws IOException {
            out.writeLong(epoch);
            out.writeByteArray(payload);
        }

        @Override
        public final void readData(ObjectDataInput in) throws IOException {
            epoch = in.readLong();
            payload = in.readByteArray();
        }
    }

    /** The payload is the batch {@link RecordOps#append} takes. */
    static final class Append extends EpochWrite {
        Append() {}

        Append(long epoch, byte[] batch) {
            super(epoch, batch);
        }

        @Override
        RecordOps.Result<Boolean> apply(String roomId, byte[] stored) {
            return RecordOps.append(stored, epoch, payload);
        }

        @Override
        public int getClassId() {
            return APPEND;
        }
    }

    /** The payload is a RoomRecord holding only the snapshot fields, to reuse one parser. */
    static final class Snapshot extends EpochWrite {
        Snapshot() {}

        Snapshot(long epoch, RoomState state, long sequence, List<ChatMessage> chat) {
            super(
                    epoch,
                    RoomRecord.newBuilder()
                            .setSnapshot(state)
                            .setSnapshotSequence(sequence)
                            .addAllSnapshotChat(chat)
                            .build()
                            .toByteArray());
        }

        @Override
        RecordOps.Result<Boolean> apply(String roomId, byte[] stored) {
            RoomRecord snapshot = RecordOps.parse(payload);
            return RecordOps.snapshot(
                    stored,
                    epoch,
                    snapshot.getSnapshot(),
                    snapshot.getSnapshotSequence(),
                    snapshot.getSnapshotChatList());
        }

        @Override
        public int getClassId() {
            return SNAPSHOT;
        }
    }

    static final class Transfer extends Write<Boolean> {
        private long epoch;
        private String toNodeId;
        private String token;

        Transfer() {}

        Transfer(long epoch, String toNodeId, String token) {
            this.epoch = epoch;
            this.toNodeId = toNodeId;
            this.token = token;
        }

        @Override
        RecordOps.Result<Boolean> apply(String roomId, byte[] stored) {
            return RecordOps.transfer(stored, epoch, toNodeId, token);
        }

        @Override
        public int getClassId() {
            return TRANSFER;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeLong(epoch);
            out.writeString(toNodeId);
            out.writeString(token);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            epoch = in.readLong();
            toNodeId = in.readString();
            token = in.readString();
        }
    }
}
