package roomgate.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/** The ownership and log rules on record bytes, each applied as a store applies it. */
class RecordOpsTest {
    private static final String ROOM = "r1";

    private static RoomEvent chat(long sequence) {
        return RoomEvent.newBuilder()
                .setRoomId(ROOM)
                .setSequence(sequence)
                .setChat(ChatMessage.newBuilder().setText("m" + sequence))
                .build();
    }

    private static byte[] batch(long from, long to) {
        return RecordOps.batchOf(
                LongStream.rangeClosed(from, to).mapToObj(RecordOpsTest::chat).toList());
    }

    private static List<Long> sequences(byte[] record) {
        return RecordOps.parse(record).getEventsList().stream()
                .map(RoomEvent::getSequence)
                .toList();
    }

    private static byte[] created(String node) {
        return RecordOps.claim(null, ROOM, node, Set.of(node), GameType.CHESS, "t-create")
                .next();
    }

    private static byte[] appended(byte[] stored, long epoch, byte[] batch) {
        RecordOps.Result<Boolean> result = RecordOps.append(stored, epoch, batch);
        assertThat(result.answer()).isTrue();
        return result.next() == null ? stored : result.next();
    }

    @Test
    void aJoinCreatesTheRoomAtEpochOneAndOtherRequestsFindNothing() {
        RoomRecord record = RecordOps.parse(created("n1"));
        assertThat(record.getEpoch()).isEqualTo(1);
        assertThat(record.getOwnerNodeId()).isEqualTo("n1");
        assertThat(record.getGameType()).isEqualTo(GameType.CHESS);

        RecordOps.Result<byte[]> absent =
                RecordOps.claim(null, ROOM, "n1", Set.of("n1"), GameType.GAME_TYPE_UNSPECIFIED, "t");
        assertThat(absent.next()).isNull();
        assertThat(RecordOps.toClaim(absent.answer()).outcome()).isEqualTo(RoomStore.Claim.Outcome.ABSENT);
    }

    @Test
    void aLiveOwnerKeepsItsRoomAndADeadOnesRoomIsTakenWithTheNextEpoch() {
        byte[] stored = created("n1");
        RecordOps.Result<byte[]> refused =
                RecordOps.claim(stored, ROOM, "n2", Set.of("n1", "n2"), GameType.CHESS, "t2");
        assertThat(refused.next()).isNull();
        RoomStore.Claim claim = RecordOps.toClaim(refused.answer());
        assertThat(claim.outcome()).isEqualTo(RoomStore.Claim.Outcome.OWNED_ELSEWHERE);
        assertThat(claim.ownerNodeId()).isEqualTo("n1");

        RecordOps.Result<byte[]> taken = RecordOps.claim(stored, ROOM, "n2", Set.of("n2"), GameType.CHESS, "t3");
        assertThat(RecordOps.parse(taken.next()).getEpoch()).isEqualTo(2);
        assertThat(RecordOps.toClaim(taken.answer()).record().getOwnerNodeId()).isEqualTo("n2");
    }

    @Test
    void theSameClaimDeliveredTwiceAnswersTheSameEpochButANewClaimFencesTheOldOne() {
        byte[] stored = created("n1");
        byte[] once = RecordOps.claim(stored, ROOM, "n2", Set.of("n2"), GameType.CHESS, "retry-me")
                .next();
        RecordOps.Result<byte[]> again = RecordOps.claim(once, ROOM, "n2", Set.of("n2"), GameType.CHESS, "retry-me");
        assertThat(again.next())
                .as("a repeat changes nothing, but stores (so backs up) the record again")
                .isEqualTo(once);
        assertThat(RecordOps.toClaim(again.answer()).record().getEpoch()).isEqualTo(2);

        RecordOps.Result<byte[]> fresh = RecordOps.claim(once, ROOM, "n2", Set.of("n2"), GameType.CHESS, "another");
        assertThat(RecordOps.parse(fresh.next()).getEpoch()).isEqualTo(3);
    }

    @Test
    void appendsAddEventsInOrderAndOnlyForTheCurrentEpoch() {
        byte[] stored = appended(created("n1"), 1, batch(1, 1));
        stored = appended(stored, 1, batch(2, 4));
        assertThat(sequences(stored)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(RecordOps.parse(stored).getOwnerNodeId())
                .as("the header survives appends")
                .isEqualTo("n1");

        RecordOps.Result<Boolean> stale = RecordOps.append(stored, 2, batch(5, 5));
        assertThat(stale.answer()).isFalse();
        assertThat(stale.next()).isNull();
        assertThat(RecordOps.append(null, 1, batch(1, 1)).answer())
                .as("no record, no append")
                .isFalse();
    }

    @Test
    void anAppendDeliveredTwiceIsStoredOnce() {
        byte[] stored = appended(created("n1"), 1, batch(1, 3));
        RecordOps.Result<Boolean> repeat = RecordOps.append(stored, 1, batch(1, 3));
        assertThat(repeat.answer()).isTrue();
        assertThat(repeat.next()).as("unchanged, stored again for the backup").isEqualTo(stored);

        byte[] overlapping = appended(stored, 1, batch(2, 5));
        assertThat(sequences(overlapping)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void sequencesMayJumpOverUnloggedEvents() {
        byte[] stored = appended(created("n1"), 1, batch(1, 2));
        byte[] after = appended(stored, 1, batch(40, 41));
        assertThat(sequences(after)).containsExactly(1L, 2L, 40L, 41L);
        assertThat(RecordOps.append(after, 1, batch(30, 30)).next())
                .as("older than the last: stored already")
                .isEqualTo(after);
    }

    @Test
    void aSnapshotKeepsOnlyLaterEventsAndCoveredAppendsAreSkipped() {
        byte[] stored = appended(created("n1"), 1, batch(1, 5));
        byte[] snapshotted = RecordOps.snapshot(
                        stored,
                        1,
                        RoomState.getDefaultInstance(),
                        3,
                        List.of(ChatMessage.newBuilder().setText("kept").build()))
                .next();
        RoomRecord record = RecordOps.parse(snapshotted);
        assertThat(record.getSnapshotSequence()).isEqualTo(3);
        assertThat(sequences(snapshotted)).containsExactly(4L, 5L);
        assertThat(record.getSnapshotChat(0).getText()).isEqualTo("kept");

        // An append still in flight when the snapshot was taken, then the next one.
        assertThat(RecordOps.append(snapshotted, 1, batch(5, 5)).next()).isEqualTo(snapshotted);
        assertThat(sequences(appended(snapshotted, 1, batch(6, 6)))).containsExactly(4L, 5L, 6L);

        byte[] onlySnapshot = RecordOps.snapshot(snapshotted, 1, RoomState.getDefaultInstance(), 5, List.of())
                .next();
        assertThat(sequences(appended(onlySnapshot, 1, batch(6, 6)))).containsExactly(6L);
        assertThat(RecordOps.append(onlySnapshot, 1, batch(4, 5)).next())
                .as("covered by the snapshot")
                .isEqualTo(onlySnapshot);
    }

    @Test
    void aTransferGivesTheNextEpochToTheSuccessorOnceEvenIfRepeated() {
        byte[] stored = created("n1");
        byte[] moved = RecordOps.transfer(stored, 1, "n2", "tx").next();
        RoomRecord record = RecordOps.parse(moved);
        assertThat(record.getOwnerNodeId()).isEqualTo("n2");
        assertThat(record.getEpoch()).isEqualTo(2);

        RecordOps.Result<Boolean> repeat = RecordOps.transfer(moved, 1, "n2", "tx");
        assertThat(repeat.answer()).isTrue();
        assertThat(repeat.next()).as("unchanged, stored again for the backup").isEqualTo(moved);
        assertThat(RecordOps.transfer(moved, 1, "n2", "other").answer())
                .as("a different transfer at a stale epoch")
                .isFalse();
        assertThat(RecordOps.append(moved, 1, batch(1, 1)).answer())
                .as("the old owner cannot write")
                .isFalse();
    }
}
