package roomgate.loadtest.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ChessState;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.MoveMade;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

class RoomWatchTest {
    private final RunStats stats = new RunStats();
    private final RoomWatch watch = new RoomWatch("r", stats, true);

    private static Joined joined(long lastSequence, int moves) {
        ChessState.Builder chess = ChessState.newBuilder();
        for (int i = 0; i < moves; i++) {
            chess.addUciMoves("m" + i);
        }
        return Joined.newBuilder()
                .setRoomId("r")
                .setLastSequence(lastSequence)
                .setState(RoomState.newBuilder().setChess(chess))
                .build();
    }

    private static RoomEvent move(long sequence, String uci) {
        return RoomEvent.newBuilder()
                .setRoomId("r")
                .setSequence(sequence)
                .setMoveMade(MoveMade.newBuilder().setUci(uci))
                .build();
    }

    @Test
    void aMoveCountsOnceEveryoneInTheRoomHasItFromItsIntendedSendTime() {
        watch.joined("white", joined(2, 0));
        watch.joined("black", joined(2, 0));
        watch.joined("spectator", joined(2, 0));
        watch.moveSent("q1", 1_000_000L);

        watch.event("white", move(3, "e2e4"), "q1", 2_000_000L);
        watch.event("black", move(3, "e2e4"), "", 3_000_000L);
        assertThat(stats.movesCompleted())
                .as("the spectator has not seen it yet")
                .isZero();
        watch.event("spectator", move(3, "e2e4"), "", 9_000_000L);

        assertThat(stats.movesCompleted()).isEqualTo(1);
        stats.latencySnapshot();
        // From the intended send time to the last arrival: 8 ms.
        assertThat(stats.cumulativeLatency().getMaxValue()).isBetween(7_990L, 8_010L);
        assertThat(watch.incompleteMoves()).isZero();
        assertThat(watch.movesSeen().get("spectator")).containsExactly("e2e4");
    }

    @Test
    void aLateJoinerIsNotWaitedForAndGapsAreCounted() {
        watch.joined("white", joined(1, 0));
        watch.moveSent("q1", 0);
        watch.event("white", move(2, "e2e4"), "q1", 1_000L);
        assertThat(stats.movesCompleted()).isEqualTo(1);

        // Joined after the move: its state already holds it, so only later moves are expected of it.
        watch.joined("late", joined(2, 1));
        assertThat(watch.movesSeenBy("late")).isEqualTo(1);
        watch.event("late", move(4, "d7d5"), "", 2_000L);
        assertThat(stats.sequenceGaps())
                .as("event 3 never reached the late joiner")
                .isEqualTo(1);
    }

    @Test
    void whenSeenRunsOnceTheParticipantHasSeenEnoughMovesOrLeaves() {
        List<String> ran = new ArrayList<>();
        watch.joined("black", joined(1, 0));
        watch.whenSeen("black", 1, () -> ran.add("after 1"));
        watch.whenSeen("black", 2, () -> ran.add("after 2"));
        watch.whenSeen("stranger", 5, () -> ran.add("stranger"));
        assertThat(ran).containsExactly("stranger");

        watch.event("black", move(2, "e2e4"), "", 1);
        assertThat(ran).containsExactly("stranger", "after 1");
        watch.left("black");
        assertThat(ran).containsExactly("stranger", "after 1", "after 2");
    }

    @Test
    void aRefusedMoveIsForgottenAndNeverCompletes() {
        watch.joined("white", joined(1, 0));
        watch.moveSent("q1", 0);
        watch.requestFailed("q1");
        watch.event("white", move(2, "e2e4"), "q1", 5);
        assertThat(stats.movesCompleted())
                .as("no intended time is known for it any more")
                .isZero();
    }
}
