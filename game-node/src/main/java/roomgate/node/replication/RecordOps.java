package roomgate.node.replication;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import roomgate.node.room.ChatHistory;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * The ownership and log rules, in one place: pure functions from a room's stored record (protobuf
 * bytes, or null for none) to the record after a write and the write's answer. Each store applies
 * them atomically — Hazelcast on the record's partition thread, {@link LocalRoomStore} inside a
 * map's compute — so both stores behave alike.
 *
 * <p>Every write is safe to apply twice, because the cluster retries an operation whose answer it
 * lost: a claim or transfer carries a token and answers the same epoch when it finds its own token;
 * an append names its events' sequences and skips those already stored. A repeat that finds its
 * write done stores the record again unchanged: so it is backed up again, and its caller is answered
 * only once a live backup has the record (see {@link HazelcastRoomStore}: a repeat may be sent
 * because the first try's backup went to a member that had just died).
 */
public final class RecordOps {
    private RecordOps() {}

    /**
     * What a write leaves: the record to store and back up ({@code next}; null when the write was
     * refused or found nothing to do) and its answer.
     */
    record Result<R>(byte[] next, R answer) {}

    /**
     * Takes the room for {@code nodeId} (see {@link RoomStore#claim}); answers the claimed record, or
     * a record with epoch 0 naming the live owner (or nobody, when there is no room to create).
     */
    static Result<byte[]> claim(
            byte[] stored, String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs, String token) {
        RoomRecord current = stored == null ? null : parse(stored);
        if (current == null) {
            if (createAs == GameType.GAME_TYPE_UNSPECIFIED) {
                return new Result<>(null, notClaimed(roomId, ""));
            }
            return claimed(RoomRecord.newBuilder()
                    .setRoomId(roomId)
                    .setGameType(createAs)
                    .setOwnerNodeId(nodeId)
                    .setEpoch(1)
                    .setClaimToken(token)
                    .setCreatedMs(System.currentTimeMillis())
                    .build());
        }
        if (current.getOwnerNodeId().equals(nodeId) && current.getClaimToken().equals(token)) {
            return new Result<>(stored, stored); // this very claim, delivered again
        }
        boolean ownerMayLive =
                !current.getOwnerNodeId().equals(nodeId) && liveNodeIds.contains(current.getOwnerNodeId());
        if (ownerMayLive) {
            return new Result<>(null, notClaimed(roomId, current.getOwnerNodeId()));
        }
        // Even when it was ours already: a new epoch fences whatever an earlier incarnation still sends.
        return claimed(current.toBuilder()
                .setOwnerNodeId(nodeId)
                .setEpoch(current.getEpoch() + 1)
                .setClaimToken(token)
                .build());
    }

    private static Result<byte[]> claimed(RoomRecord record) {
        byte[] bytes = record.toByteArray();
        return new Result<>(bytes, bytes);
    }

    private static byte[] notClaimed(String roomId, String owner) {
        return RoomRecord.newBuilder()
                .setRoomId(roomId)
                .setOwnerNodeId(owner)
                .build()
                .toByteArray();
    }

    /** Reads the answer of {@link #claim}. */
    static RoomStore.Claim toClaim(byte[] answer) {
        RoomRecord record = parse(answer);
        if (record.getEpoch() == 0) {
            return record.getOwnerNodeId().isEmpty()
                    ? new RoomStore.Claim(RoomStore.Claim.Outcome.ABSENT, null, "")
                    : new RoomStore.Claim(RoomStore.Claim.Outcome.OWNED_ELSEWHERE, null, record.getOwnerNodeId());
        }
        return new RoomStore.Claim(RoomStore.Claim.Outcome.CLAIMED, record, record.getOwnerNodeId());
    }

    /**
     * Appends {@code batch} (a record holding events in sequence order) if {@code epoch} is the
     * room's. Events the record already has (a sequence not above its last) are skipped. Sequences
     * may jump: unlogged events (an arena's ticks) are numbered too. The events are added by appending their
     * encoding to the stored bytes (a repeated field's elements simply follow one another), so an
     * append costs a scan of the record's field headers, not a rebuild of the record; except one that
     * adds chat, which also drops the chat lines older than the latest {@link ChatHistory#SHOWN}.
     */
    static Result<Boolean> append(byte[] stored, long epoch, byte[] batch) {
        if (stored == null) {
            return new Result<>(null, false);
        }
        Header header = Header.of(stored);
        if (header.epoch != epoch) {
            return new Result<>(null, false);
        }
        List<RoomEvent> events = parse(batch).getEventsList();
        int fresh = 0;
        while (fresh < events.size() && events.get(fresh).getSequence() <= header.lastSequence) {
            fresh++;
        }
        if (fresh == events.size()) {
            return new Result<>(stored, true); // stored already: the same append, delivered again
        }
        byte[] suffix = fresh == 0
                ? batch
                : RoomRecord.newBuilder()
                        .addAllEvents(events.subList(fresh, events.size()))
                        .build()
                        .toByteArray();
        byte[] next = Arrays.copyOf(stored, stored.length + suffix.length);
        System.arraycopy(suffix, 0, next, stored.length, suffix.length);
        for (int i = fresh; i < events.size(); i++) {
            if (events.get(i).getBodyCase() == RoomEvent.BodyCase.CHAT) {
                return new Result<>(keepLatestChat(next), true);
            }
        }
        return new Result<>(next, true);
    }

    /**
     * The record with only its latest {@link ChatHistory#SHOWN} chat events: a chess room's record is
     * its whole event log, and every chat line would stay in it (and in its backup) for the room's
     * life. Rebuilt only when a chat line is appended, so moves still cost an append of their bytes.
     */
    static byte[] keepLatestChat(byte[] record) {
        RoomRecord current = parse(record);
        int chat = 0;
        for (RoomEvent event : current.getEventsList()) {
            chat += event.getBodyCase() == RoomEvent.BodyCase.CHAT ? 1 : 0;
        }
        int drop = chat - ChatHistory.SHOWN;
        if (drop <= 0) {
            return record;
        }
        List<RoomEvent> kept = new ArrayList<>(current.getEventsCount() - drop);
        for (RoomEvent event : current.getEventsList()) {
            if (drop > 0 && event.getBodyCase() == RoomEvent.BodyCase.CHAT) {
                drop--;
            } else {
                kept.add(event);
            }
        }
        return current.toBuilder().clearEvents().addAllEvents(kept).build().toByteArray();
    }

    /** The encoding {@link #append} takes: a record holding only {@code events}. */
    static byte[] batchOf(List<RoomEvent> events) {
        return RoomRecord.newBuilder().addAllEvents(events).build().toByteArray();
    }

    /** Replaces the room's state with a snapshot as of {@code sequence}, keeping the events after it. */
    static Result<Boolean> snapshot(byte[] stored, long epoch, RoomState state, long sequence, List<ChatMessage> chat) {
        RoomRecord current = stored == null ? null : parse(stored);
        if (!mayWrite(current, epoch)) {
            return new Result<>(null, false);
        }
        List<RoomEvent> after = new ArrayList<>();
        for (RoomEvent event : current.getEventsList()) {
            if (event.getSequence() > sequence) {
                after.add(event);
            }
        }
        RoomRecord next = current.toBuilder()
                .clearEvents()
                .addAllEvents(after)
                .setSnapshot(state)
                .setSnapshotSequence(sequence)
                .clearSnapshotChat()
                .addAllSnapshotChat(chat)
                .build();
        return new Result<>(next.toByteArray(), true);
    }

    /** Hands the room to {@code toNodeId} with epoch + 1; a repeat of the same transfer answers true again. */
    static Result<Boolean> transfer(byte[] stored, long epoch, String toNodeId, String token) {
        RoomRecord current = stored == null ? null : parse(stored);
        if (current != null
                && current.getEpoch() == epoch + 1
                && current.getOwnerNodeId().equals(toNodeId)
                && current.getClaimToken().equals(token)) {
            return new Result<>(stored, true); // this very transfer, delivered again
        }
        if (!mayWrite(current, epoch)) {
            return new Result<>(null, false);
        }
        return new Result<>(
                current.toBuilder()
                        .setOwnerNodeId(toNodeId)
                        .setEpoch(epoch + 1)
                        .setClaimToken(token)
                        .build()
                        .toByteArray(),
                true);
    }

    private static boolean mayWrite(RoomRecord current, long epoch) {
        return current != null && current.getEpoch() == epoch;
    }

    public static RoomRecord parse(byte[] bytes) {
        try {
            return RoomRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt room record", e);
        }
    }

    /** What an append checks, read without parsing the events: the epoch and the last sequence stored. */
    private record Header(long epoch, long lastSequence) {
        static Header of(byte[] record) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(record);
                long epoch = 0;
                long snapshotSequence = 0;
                int lastEvent = -1;
                int lastEventLength = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case RoomRecord.EPOCH_FIELD_NUMBER -> epoch = in.readUInt64();
                        case RoomRecord.SNAPSHOT_SEQUENCE_FIELD_NUMBER -> snapshotSequence = in.readUInt64();
                        case RoomRecord.EVENTS_FIELD_NUMBER -> {
                            lastEventLength = in.readRawVarint32();
                            lastEvent = in.getTotalBytesRead();
                            in.skipRawBytes(lastEventLength);
                        }
                        default -> in.skipField(tag);
                    }
                }
                long lastSequence = snapshotSequence;
                if (lastEvent >= 0) {
                    lastSequence = Math.max(
                            lastSequence,
                            RoomEvent.parser()
                                    .parseFrom(record, lastEvent, lastEventLength)
                                    .getSequence());
                }
                return new Header(epoch, lastSequence);
            } catch (IOException e) {
                throw new IllegalStateException("corrupt room record", e);
            }
        }
    }
}
