package roomgate.chess;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A game of chess from an initial position with its full move history: the object a server room
 * holds and feeds client moves to. It accepts only legal moves, keeps the UCI and SAN history,
 * and tracks the status after every move.
 *
 * <p>Server policy: there is no draw-claim protocol yet, so draws that FIDE lets a player claim
 * are applied automatically as soon as they arise. The game ends with
 * {@link GameStatus#DRAW_THREEFOLD_REPETITION} when a position (same placement, side to move,
 * castling rights, and en passant square only if an en passant capture is legal) occurs for the
 * third time, counting the initial position, and with {@link GameStatus#DRAW_FIFTY_MOVE} when
 * the halfmove clock reaches 100 plies without a capture or pawn move, unless that move mates.
 * Checkmate, stalemate and insufficient material (bare kings, one minor piece, or bishops all on
 * one square colour) end the game as FIDE says. The same tests apply to the initial position, so
 * a game may start already over (e.g. from a FEN whose halfmove clock is 100). Once {@link #status()} is over, {@link #play}
 * refuses every move with {@link IllegalMoveException.Reason#GAME_OVER}.
 *
 * <p>A pawn move to the last rank must carry a promotion suffix in UCI (e7e8q); without one the
 * move is well-formed but ILLEGAL, and the message lists the four accepted forms. A suffix on any
 * other move is ILLEGAL too. Not thread-safe: one thread at a time per game.
 */
public final class ChessGame {
    private final String initialFen;
    private Position position;
    private GameStatus status;
    private final List<String> uciMoves = new ArrayList<>();
    private final List<String> sanMoves = new ArrayList<>();
    private final Map<String, Integer> occurrences = new HashMap<>();

    /** A game from the standard starting position. */
    public ChessGame() {
        this(Position.START_FEN);
    }

    /**
     * A game from the given position.
     *
     * @throws IllegalArgumentException if the FEN is invalid
     */
    public ChessGame(String initialFen) {
        this.position = Position.fromFen(initialFen);
        this.initialFen = position.toFen();
        this.status = Adjudicator.status(position, recordOccurrence(position));
    }

    /**
     * Rebuilds a game from a snapshot: its initial FEN and the UCI moves played since.
     *
     * @throws IllegalMoveException if a move cannot be played; the message names the ply
     */
    public static ChessGame replay(String initialFen, List<String> uciMoves) {
        ChessGame game = new ChessGame(initialFen);
        int ply = 0;
        for (String uci : uciMoves) {
            ply++;
            try {
                game.play(uci);
            } catch (IllegalMoveException e) {
                throw new IllegalMoveException(e.reason(), "replay ply " + ply + ": " + e.getMessage());
            }
        }
        return game;
    }

    /** The FEN the game started from, normalised as {@link Position#toFen()} writes it. */
    public String initialFen() {
        return initialFen;
    }

    /**
     * Plays a move given in UCI notation (e2e4, e1g1 for castling, e7e8q for promotion).
     *
     * @throws IllegalMoveException MALFORMED if the text is not UCI, ILLEGAL if the move is not
     *     legal now, GAME_OVER if the game has ended
     */
    public PlayedMove play(String uci) {
        if (status.isOver()) {
            throw new IllegalMoveException(IllegalMoveException.Reason.GAME_OVER,
                    "uci '" + (uci == null ? "null" : Move.printable(uci)) + "' refused: the game is over ("
                            + describeEnd() + "); no further moves are accepted");
        }
        Move move = Move.parseUci(uci);
        int bits = position.find(move);
        if (bits == -1) {
            throw new IllegalMoveException(IllegalMoveException.Reason.ILLEGAL, MoveDiagnosis.explain(position, move));
        }
        Position before = position;
        Position after = before.afterBits(bits);
        String san = SanWriter.san(before, bits, after);
        position = after;
        status = Adjudicator.status(after, recordOccurrence(after));
        uciMoves.add(move.uci());
        sanMoves.add(san);
        return new PlayedMove(move.uci(), san, after.toFen(), status, before.sideToMove());
    }

    /**
     * Converts a SAN move (as in PGN, suffixes like + # ! ? allowed) to UCI for the current
     * position. Independent of the game status: it only reads the position.
     *
     * @throws IllegalMoveException MALFORMED if not SAN, ILLEGAL if no legal move or several match
     */
    public String toUci(String san) {
        return MoveBits.uci(SanParser.parse(position, san));
    }

    /**
     * SAN, with "+" or "#", of a legal UCI move in the current position.
     *
     * @throws IllegalMoveException MALFORMED if not UCI, ILLEGAL if not legal here
     */
    public String toSan(String uci) {
        Move move = Move.parseUci(uci);
        int bits = position.find(move);
        if (bits == -1) {
            throw new IllegalMoveException(IllegalMoveException.Reason.ILLEGAL, MoveDiagnosis.explain(position, move));
        }
        return SanWriter.san(position, bits, position.afterBits(bits));
    }

    public GameStatus status() {
        return status;
    }

    /** The winner if the game ended in checkmate, empty otherwise. */
    public Optional<Color> winner() {
        return status == GameStatus.CHECKMATE ? Optional.of(position.sideToMove().opposite()) : Optional.empty();
    }

    public Color sideToMove() {
        return position.sideToMove();
    }

    public String fen() {
        return position.toFen();
    }

    /** The current position (immutable). */
    public Position position() {
        return position;
    }

    /** UCI moves played so far, as an unmodifiable snapshot. */
    public List<String> uciMoves() {
        return List.copyOf(uciMoves);
    }

    /** SAN moves played so far (with + and #), as an unmodifiable snapshot. */
    public List<String> sanMoves() {
        return List.copyOf(sanMoves);
    }

    private int recordOccurrence(Position p) {
        if (p.halfmoveClock() == 0) {
            // A capture or pawn move can never be undone, so no earlier position can recur.
            occurrences.clear();
        }
        return occurrences.merge(p.repetitionKey(), 1, Integer::sum);
    }

    private String describeEnd() {
        switch (status) {
            case CHECKMATE: return "checkmate, " + position.sideToMove().opposite().label() + " won";
            case STALEMATE: return "stalemate, draw";
            case DRAW_FIFTY_MOVE: return "draw by the fifty-move rule";
            case DRAW_THREEFOLD_REPETITION: return "draw by threefold repetition";
            case DRAW_INSUFFICIENT_MATERIAL: return "draw by insufficient material";
            default: return Objects.toString(status);
        }
    }
}
