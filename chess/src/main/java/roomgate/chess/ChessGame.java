package roomgate.chess;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A game of chess from an initial position with its full move history: the object a server room
 * holds and feeds client moves to. It accepts only legal moves, keeps the UCI and SAN history,
 * and tracks the status after every move.
 *
 * <p>Game end follows the FIDE Laws: checkmate, stalemate, insufficient material (bare kings, one
 * minor piece, or bishops all on one square colour), fivefold repetition (9.6.1, {@link
 * GameStatus#DRAW_FIVEFOLD_REPETITION}) and the 75-move rule (9.6.2, {@link
 * GameStatus#DRAW_SEVENTY_FIVE_MOVE}: halfmove clock 150, unless that move mates) end the game by
 * themselves. Threefold repetition (9.2) and the fifty-move rule (9.3) only make a draw
 * claimable: players may play on, as in real games, until one of them calls {@link #claimDraw()}
 * (see {@link #replay(String, List, boolean)} to rebuild a claimed game).
 * A position is the same for repetition when placement, side to move, castling rights, and the
 * en passant square (only if an en passant capture is legal) match; the initial position counts.
 * The same tests apply to the initial position, so a game may start already over (e.g. from a
 * FEN whose halfmove clock is 150) or with a draw claimable (halfmove clock 100). Once {@link
 * #status()} is over, {@link #play} and {@link #claimDraw()} refuse with {@link
 * IllegalMoveException.Reason#GAME_OVER}.
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
    /** How many times the current position has occurred, this time included. */
    private int repetitions;

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
        recordOccurrence(position);
        this.status = Adjudicator.status(position, repetitions);
    }

    /**
     * Rebuilds a game without a draw claim from a snapshot: its initial FEN and the UCI moves
     * played since. Same as {@code replay(initialFen, uciMoves, false)}.
     *
     * @throws IllegalMoveException if a move cannot be played; the message names the ply
     */
    public static ChessGame replay(String initialFen, List<String> uciMoves) {
        return replay(initialFen, uciMoves, false);
    }

    /**
     * Rebuilds a game from a snapshot: {@link #initialFen()}, {@link #uciMoves()} and {@link
     * #drawClaimed()}. A claim is the one way a game ends that the moves alone do not show, so it
     * is the only extra fact needed; it is replayed by calling {@link #claimDraw()} after the last
     * move, which re-checks that the claim was valid.
     *
     * @throws IllegalMoveException if a move cannot be played (the message names the ply), or
     *     if {@code drawClaimed} but no draw can be claimed after the last move
     */
    public static ChessGame replay(String initialFen, List<String> uciMoves, boolean drawClaimed) {
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
        if (drawClaimed) {
            try {
                game.claimDraw();
            } catch (IllegalMoveException e) {
                throw new IllegalMoveException(
                        e.reason(), "replay draw claim after ply " + ply + ": " + e.getMessage());
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
            throw new IllegalMoveException(
                    IllegalMoveException.Reason.GAME_OVER,
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
        recordOccurrence(after);
        status = Adjudicator.status(after, repetitions);
        uciMoves.add(move.uci());
        sanMoves.add(san);
        return new PlayedMove(move.uci(), san, after.toFen(), status, before.sideToMove());
    }

    /**
     * The draw a player could claim now: {@link GameStatus#DRAW_THREEFOLD_REPETITION} if the
     * current position has occurred at least three times, else {@link GameStatus#DRAW_FIFTY_MOVE}
     * if the halfmove clock is at least 100, else empty. Always empty once the game is over, as
     * there is nothing left to claim.
     */
    public Optional<GameStatus> claimableDraw() {
        return status.isOver() ? Optional.empty() : Optional.ofNullable(Adjudicator.claimable(position, repetitions));
    }

    /**
     * Ends the game as a draw on a claim of threefold repetition (FIDE 9.2) or the fifty-move rule
     * (9.3), whichever {@link #claimableDraw()} reports, and returns that status.
     *
     * <p>The claim is judged on the position on the board and either player may make it. FIDE
     * gives the claim to the player having the move (9.2.1.2), or to a player who announces the
     * move that will produce the position (9.2.1.1); on a server that player simply plays the
     * move and then claims, so accepting the claim from either side covers both cases. Who is
     * allowed to claim (a seated player, not a spectator) is the caller's concern.
     *
     * @throws IllegalMoveException NO_DRAW_TO_CLAIM, saying how far the position is from each
     *     rule, if no draw is claimable; GAME_OVER if the game has already ended
     */
    public GameStatus claimDraw() {
        if (status.isOver()) {
            throw new IllegalMoveException(
                    IllegalMoveException.Reason.GAME_OVER,
                    "draw claim refused: the game is over (" + describeEnd() + ")");
        }
        GameStatus claimed = Adjudicator.claimable(position, repetitions);
        if (claimed == null) {
            throw new IllegalMoveException(
                    IllegalMoveException.Reason.NO_DRAW_TO_CLAIM,
                    "no draw to claim: position occurred " + repetitions + (repetitions == 1 ? " time" : " times")
                            + " (" + Adjudicator.REPETITIONS_TO_CLAIM + " needed), halfmove clock "
                            + position.halfmoveClock() + " (" + Adjudicator.PLIES_TO_CLAIM + " needed)");
        }
        status = claimed;
        return claimed;
    }

    /**
     * Whether the game ended by a draw claim, which {@link #replay(String, List, boolean)} needs
     * to rebuild it. The claimable statuses never arise automatically, so the status tells.
     */
    public boolean drawClaimed() {
        return status == GameStatus.DRAW_THREEFOLD_REPETITION || status == GameStatus.DRAW_FIFTY_MOVE;
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
        return status == GameStatus.CHECKMATE
                ? Optional.of(position.sideToMove().opposite())
                : Optional.empty();
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

    private void recordOccurrence(Position p) {
        if (p.halfmoveClock() == 0) {
            // A capture or pawn move can never be undone, so no earlier position can recur.
            occurrences.clear();
        }
        repetitions = occurrences.merge(p.repetitionKey(), 1, Integer::sum);
    }

    private String describeEnd() {
        // No default: a new status must get its own wording, or this stops compiling.
        return switch (status) {
            case ONGOING -> "ongoing";
            case CHECKMATE -> "checkmate, " + position.sideToMove().opposite().label() + " won";
            case STALEMATE -> "stalemate, draw";
            case DRAW_FIFTY_MOVE -> "draw claimed under the fifty-move rule";
            case DRAW_THREEFOLD_REPETITION -> "draw claimed by threefold repetition";
            case DRAW_INSUFFICIENT_MATERIAL -> "draw by insufficient material";
            case DRAW_FIVEFOLD_REPETITION -> "draw by fivefold repetition";
            case DRAW_SEVENTY_FIVE_MOVE -> "draw by the seventy-five-move rule";
        };
    }
}
