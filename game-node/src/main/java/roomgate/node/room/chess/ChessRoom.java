package roomgate.node.room.chess;

import java.util.Collection;
import roomgate.chess.ChessGame;
import roomgate.chess.Color;
import roomgate.chess.IllegalMoveException;
import roomgate.chess.PlayedMove;
import roomgate.node.room.Participant;
import roomgate.node.room.Room;
import roomgate.node.room.RoomException;
import roomgate.protocol.v1.ChessState;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.DrawClaimed;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameStatus;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.MoveMade;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;
import roomgate.protocol.v1.Seat;
import roomgate.protocol.v1.Side;

/**
 * A chess room: one game under the full rules (enforced by {@link ChessGame}), a white seat, a
 * black seat, and any number of spectators. A seat is free again when its player leaves, so a
 * player who reconnects can take it back.
 */
public final class ChessRoom implements Room {
    private final ChessGame game;

    public ChessRoom() {
        this(new ChessGame());
    }

    ChessRoom(ChessGame game) {
        this.game = game;
    }

    @Override
    public GameType type() {
        return GameType.CHESS;
    }

    @Override
    public Seat seatFor(JoinRoom request, Collection<Participant> present) {
        if (request.getRole() == Role.SPECTATOR) {
            return Seat.SEAT_SPECTATOR;
        }
        boolean whiteTaken = present.stream().anyMatch(p -> p.seat() == Seat.SEAT_WHITE);
        boolean blackTaken = present.stream().anyMatch(p -> p.seat() == Seat.SEAT_BLACK);
        switch (request.getSide()) {
            case WHITE:
                if (whiteTaken) {
                    throw new RoomException(ErrorCode.SEAT_TAKEN, "side WHITE is taken (join as BLACK or SPECTATOR)");
                }
                return Seat.SEAT_WHITE;
            case BLACK:
                if (blackTaken) {
                    throw new RoomException(ErrorCode.SEAT_TAKEN, "side BLACK is taken (join as WHITE or SPECTATOR)");
                }
                return Seat.SEAT_BLACK;
            default:
                if (!whiteTaken) {
                    return Seat.SEAT_WHITE;
                }
                if (!blackTaken) {
                    return Seat.SEAT_BLACK;
                }
                throw new RoomException(ErrorCode.SEAT_TAKEN, "both sides are taken (join as SPECTATOR)");
        }
    }

    @Override
    public RoomEvent.Builder apply(Participant from, ClientMessage message) {
        if (message.getBodyCase() != ClientMessage.BodyCase.MOVE
                && message.getBodyCase() != ClientMessage.BodyCase.CLAIM_DRAW) {
            throw new RoomException(
                    ErrorCode.INVALID_ARGUMENT,
                    message.getBodyCase() + " is not a chess room message (expected: move or claim_draw)");
        }
        if (from.seat() == Seat.SEAT_SPECTATOR) {
            throw new RoomException(
                    ErrorCode.SPECTATOR_CANNOT_MOVE, "spectators cannot move or claim (join as a player)");
        }
        if (game.status().isOver()) {
            throw new RoomException(ErrorCode.GAME_OVER, "the game is over: " + game.status());
        }
        Color side = from.seat() == Seat.SEAT_WHITE ? Color.WHITE : Color.BLACK;
        if (message.getBodyCase() == ClientMessage.BodyCase.CLAIM_DRAW) {
            return claimDraw(from, side);
        }
        String uci = message.getMove().getUci();
        if (game.sideToMove() != side) {
            throw new RoomException(
                    ErrorCode.NOT_YOUR_TURN,
                    "move " + uci + ": it is " + game.sideToMove() + "'s turn, you play " + side);
        }
        PlayedMove played;
        try {
            played = game.play(uci);
        } catch (IllegalMoveException e) {
            throw new RoomException(ErrorCode.ILLEGAL_MOVE, e.getMessage());
        }
        MoveMade.Builder made = MoveMade.newBuilder()
                .setParticipantId(from.participantId())
                .setSide(side(played.mover()))
                .setUci(played.uci())
                .setSan(played.san())
                .setFenAfter(played.fenAfter())
                .setStatus(status(played.statusAfter()));
        if (played.statusAfter() == roomgate.chess.GameStatus.CHECKMATE) {
            made.setWinner(side(played.mover()));
        }
        return RoomEvent.newBuilder().setMoveMade(made);
    }

    @Override
    public boolean finished() {
        return game.status().isOver();
    }

    @Override
    public void replay(RoomEvent event) {
        switch (event.getBodyCase()) {
            case MOVE_MADE -> game.play(event.getMoveMade().getUci());
            case DRAW_CLAIMED -> game.claimDraw();
            default -> throw new IllegalArgumentException("not a chess event: " + event.getBodyCase());
        }
    }

    private RoomEvent.Builder claimDraw(Participant from, Color side) {
        GameStatus status;
        try {
            status = status(game.claimDraw());
        } catch (IllegalMoveException e) {
            throw new RoomException(ErrorCode.NO_DRAW_TO_CLAIM, e.getMessage());
        }
        return RoomEvent.newBuilder()
                .setDrawClaimed(DrawClaimed.newBuilder()
                        .setParticipantId(from.participantId())
                        .setSide(side(side))
                        .setStatus(status));
    }

    @Override
    public void describe(RoomState.Builder state) {
        ChessState.Builder chess = ChessState.newBuilder()
                .setInitialFen(game.initialFen())
                .setFen(game.fen())
                .addAllUciMoves(game.uciMoves())
                .addAllSanMoves(game.sanMoves())
                .setStatus(status(game.status()))
                .setSideToMove(side(game.sideToMove()));
        if (game.status() == roomgate.chess.GameStatus.CHECKMATE) {
            chess.setWinner(side(game.sideToMove().opposite()));
        }
        state.setChess(chess);
    }

    private static Side side(Color color) {
        return color == Color.WHITE ? Side.WHITE : Side.BLACK;
    }

    private static GameStatus status(roomgate.chess.GameStatus status) {
        return switch (status) {
            case ONGOING -> GameStatus.ONGOING;
            case CHECKMATE -> GameStatus.CHECKMATE;
            case STALEMATE -> GameStatus.STALEMATE;
            case DRAW_FIFTY_MOVE -> GameStatus.DRAW_FIFTY_MOVE;
            case DRAW_THREEFOLD_REPETITION -> GameStatus.DRAW_THREEFOLD_REPETITION;
            case DRAW_INSUFFICIENT_MATERIAL -> GameStatus.DRAW_INSUFFICIENT_MATERIAL;
            case DRAW_FIVEFOLD_REPETITION -> GameStatus.DRAW_FIVEFOLD_REPETITION;
            case DRAW_SEVENTY_FIVE_MOVE -> GameStatus.DRAW_SEVENTY_FIVE_MOVE;
        };
    }
}
