package roomgate.loadtest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roomgate.protocol.recording.v1.RecordEntry;
import roomgate.protocol.recording.v1.SessionEnded;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.Side;
import roomgate.recording.RecordingFormat;
import roomgate.recording.RecordingWriter;

/** The recorded requests imply the room's state under the node's rules, refusals included. */
class ExpectedOutcomesTest {
    @TempDir
    Path dir;

    private final List<RecordEntry> entries = new ArrayList<>();
    private long clock;

    private void send(long session, String room, ClientMessage message) {
        entries.add(RecordEntry.newBuilder()
                .setOffsetMicros(clock += 1000)
                .setSessionId(session)
                .setRoomId(room)
                .setMessage(message)
                .build());
    }

    private void join(long session, String room, Role role, Side side) {
        send(
                session,
                room,
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(room)
                                .setGameType(GameType.CHESS)
                                .setRole(role)
                                .setSide(side))
                        .build());
    }

    private void move(long session, String room, String uci) {
        send(
                session,
                room,
                ClientMessage.newBuilder()
                        .setMove(ChessMove.newBuilder().setRoomId(room).setUci(uci))
                        .build());
    }

    private void hangUp(long session) {
        entries.add(RecordEntry.newBuilder()
                .setOffsetMicros(clock += 1000)
                .setSessionId(session)
                .setSessionEnded(SessionEnded.getDefaultInstance())
                .build());
    }

    private Map<String, ChessOutcome> derive() throws IOException {
        Path file = dir.resolve("r.rgrec");
        try (RecordingWriter writer = RecordingWriter.create(file, RecordingFormat.header("gw", 0, "*"))) {
            for (RecordEntry e : entries) {
                writer.write(e);
            }
        }
        return ExpectedOutcomes.derive(RecordedTraffic.read(List.of(file)));
    }

    @Test
    void refusedMovesChangeNothingAndTheGameEndsAsTheRulesSay() throws IOException {
        join(1, "r", Role.PLAYER, Side.SIDE_UNSPECIFIED); // white: the first free side
        join(2, "r", Role.PLAYER, Side.SIDE_UNSPECIFIED); // black
        join(3, "r", Role.SPECTATOR, Side.SIDE_UNSPECIFIED);
        move(2, "r", "e7e5"); // not black's turn
        move(3, "r", "e2e4"); // a spectator
        move(4, "r", "e2e4"); // never joined
        move(1, "r", "e2e5"); // illegal
        // Fool's mate, then a move after the game is over.
        move(1, "r", "f2f3");
        move(2, "r", "e7e5");
        move(1, "r", "g2g4");
        move(2, "r", "d8h4");
        move(1, "r", "a2a3");

        ChessOutcome outcome = derive().get("r");
        assertThat(outcome.uciMoves()).containsExactly("f2f3", "e7e5", "g2g4", "d8h4");
        assertThat(outcome.status()).isEqualTo("CHECKMATE");
        assertThat(outcome.winner()).isEqualTo("BLACK");
        assertThat(outcome.fen()).startsWith("rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w");
    }

    @Test
    void aSeatFreedByLeavingOrHangingUpGoesToTheNextPlayerAndATakenSideIsRefused() throws IOException {
        join(1, "r", Role.PLAYER, Side.WHITE);
        join(2, "r", Role.PLAYER, Side.WHITE); // taken: not seated
        join(3, "r", Role.PLAYER, Side.BLACK);
        move(1, "r", "e2e4");
        move(2, "r", "e7e5"); // not seated: refused
        send(
                3,
                "r",
                ClientMessage.newBuilder()
                        .setLeave(LeaveRoom.newBuilder().setRoomId("r"))
                        .build());
        move(3, "r", "e7e5"); // left: refused
        join(2, "r", Role.PLAYER, Side.SIDE_UNSPECIFIED); // takes black now
        move(2, "r", "c7c5");
        hangUp(1);
        move(1, "r", "g1f3"); // hung up: refused
        join(5, "r", Role.PLAYER, Side.WHITE);
        move(5, "r", "g1f3");

        assertThat(derive().get("r").uciMoves()).containsExactly("e2e4", "c7c5", "g1f3");
    }

    @Test
    void roomsOfOtherGameTypesAreNotPredicted() throws IOException {
        send(
                1,
                "arena-1",
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder().setRoomId("arena-1").setGameType(GameType.ARENA))
                        .build());
        join(1, "c", Role.PLAYER, Side.WHITE);
        move(1, "c", "d2d4");

        Map<String, ChessOutcome> outcomes = derive();
        assertThat(outcomes).containsOnlyKeys("c");
        assertThat(outcomes.get("c").status()).isEqualTo("ONGOING");
    }
}
