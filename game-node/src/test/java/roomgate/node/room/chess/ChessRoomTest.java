package roomgate.node.room.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.node.room.Participant;
import roomgate.node.room.RoomException;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameStatus;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.MoveMade;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomState;
import roomgate.protocol.v1.Seat;
import roomgate.protocol.v1.Side;

class ChessRoomTest {
    private final ChessRoom room = new ChessRoom();
    private final List<Participant> present = new ArrayList<>();

    private Participant join(String id, Role role, Side side) {
        Seat seat = room.seatFor(
                JoinRoom.newBuilder()
                        .setGameType(GameType.CHESS)
                        .setRole(role)
                        .setSide(side)
                        .build(),
                present);
        Participant p = new Participant(id, id, seat);
        present.add(p);
        return p;
    }

    private static ClientMessage move(String uci) {
        return ClientMessage.newBuilder()
                .setMove(ChessMove.newBuilder().setRoomId("r").setUci(uci))
                .build();
    }

    private static ErrorCode refusal(Runnable action) {
        try {
            action.run();
        } catch (RoomException e) {
            return e.code();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void playersTakeFreeSidesAndSpectatorsWatch() {
        assertThat(join("a", Role.PLAYER, Side.SIDE_UNSPECIFIED).seat()).isEqualTo(Seat.SEAT_WHITE);
        assertThat(join("b", Role.PLAYER, Side.SIDE_UNSPECIFIED).seat()).isEqualTo(Seat.SEAT_BLACK);
        assertThat(join("c", Role.SPECTATOR, Side.WHITE).seat()).isEqualTo(Seat.SEAT_SPECTATOR);
        assertThatThrownBy(() -> join("d", Role.PLAYER, Side.SIDE_UNSPECIFIED))
                .isInstanceOf(RoomException.class)
                .hasMessageContaining("both sides are taken");
    }

    @Test
    void askingForATakenSideIsSeatTaken() {
        join("a", Role.PLAYER, Side.BLACK);
        assertThat(refusal(() -> join("b", Role.PLAYER, Side.BLACK))).isEqualTo(ErrorCode.SEAT_TAKEN);
        assertThat(join("b", Role.PLAYER, Side.SIDE_UNSPECIFIED).seat()).isEqualTo(Seat.SEAT_WHITE);
    }

    @Test
    void movesAreCheckedForSeatTurnAndRulesAndLeaveTheGameUnchangedWhenRefused() {
        Participant white = join("w", Role.PLAYER, Side.WHITE);
        Participant black = join("b", Role.PLAYER, Side.BLACK);
        Participant watcher = join("s", Role.SPECTATOR, Side.SIDE_UNSPECIFIED);

        assertThat(refusal(() -> room.apply(watcher, move("e2e4")))).isEqualTo(ErrorCode.SPECTATOR_CANNOT_MOVE);
        assertThat(refusal(() -> room.apply(black, move("e7e5")))).isEqualTo(ErrorCode.NOT_YOUR_TURN);
        assertThat(refusal(() -> room.apply(white, move("e2e5")))).isEqualTo(ErrorCode.ILLEGAL_MOVE);
        assertThat(refusal(() -> room.apply(white, move("e2")))).isEqualTo(ErrorCode.ILLEGAL_MOVE);

        MoveMade made = room.apply(white, move("e2e4")).getMoveMade();
        assertThat(made.getSan()).isEqualTo("e4");
        assertThat(made.getSide()).isEqualTo(Side.WHITE);
        assertThat(made.getParticipantId()).isEqualTo("w");
        RoomState.Builder state = RoomState.newBuilder();
        room.describe(state);
        assertThat(state.getChess().getUciMovesList()).containsExactly("e2e4");
        assertThat(state.getChess().getSideToMove()).isEqualTo(Side.BLACK);
    }

    @Test
    void aDrawIsClaimedOnlyWhenThreefoldRepetitionHolds() {
        Participant white = join("w", Role.PLAYER, Side.WHITE);
        Participant black = join("b", Role.PLAYER, Side.BLACK);
        ClientMessage claim = ClientMessage.newBuilder()
                .setClaimDraw(roomgate.protocol.v1.ClaimDraw.newBuilder().setRoomId("r"))
                .build();
        assertThat(refusal(() -> room.apply(white, claim))).isEqualTo(ErrorCode.NO_DRAW_TO_CLAIM);
        // Knights out and back twice: the start position occurs for the third time.
        List<String> shuffle = List.of("g1f3", "g8f6", "f3g1", "f6g8", "g1f3", "g8f6", "f3g1", "f6g8");
        for (int ply = 0; ply < shuffle.size(); ply++) {
            room.apply(ply % 2 == 0 ? white : black, move(shuffle.get(ply)));
        }
        assertThat(room.apply(black, claim).getDrawClaimed().getStatus())
                .isEqualTo(GameStatus.DRAW_THREEFOLD_REPETITION);
        assertThat(refusal(() -> room.apply(white, move("e2e4")))).isEqualTo(ErrorCode.GAME_OVER);
    }

    @Test
    void foolsMateEndsTheGameForBothSeats() {
        Participant white = join("w", Role.PLAYER, Side.WHITE);
        Participant black = join("b", Role.PLAYER, Side.BLACK);
        room.apply(white, move("f2f3"));
        room.apply(black, move("e7e5"));
        room.apply(white, move("g2g4"));
        MoveMade mate = room.apply(black, move("d8h4")).getMoveMade();
        assertThat(mate.getStatus()).isEqualTo(GameStatus.CHECKMATE);
        assertThat(mate.getWinner()).isEqualTo(Side.BLACK);
        assertThat(refusal(() -> room.apply(white, move("a2a3")))).isEqualTo(ErrorCode.GAME_OVER);
        RoomState.Builder state = RoomState.newBuilder();
        room.describe(state);
        assertThat(state.getChess().getWinner()).isEqualTo(Side.BLACK);
    }
}
