package roomgate.chess;

/**
 * Thrown when a submitted move or draw claim cannot be accepted: the move is not well-formed
 * text or breaks the rules in the current position, no draw can be claimed, or the game has
 * already ended. The message says what was wrong and what would have been accepted, so it can be
 * shown to the client as is. No stack trace is captured, because hostile clients may send floods
 * of bad moves and rejecting them must be cheap.
 */
public final class IllegalMoveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the move or claim was refused. */
    public enum Reason {
        /** The text is not a move in the expected notation (UCI or SAN). */
        MALFORMED,
        /** Well-formed, but not a legal move in the current position. */
        ILLEGAL,
        /** The game has ended; no move or claim is accepted. */
        GAME_OVER,
        /** A draw was claimed but neither threefold repetition nor the fifty-move rule applies. */
        NO_DRAW_TO_CLAIM
    }

    private final Reason reason;

    IllegalMoveException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
