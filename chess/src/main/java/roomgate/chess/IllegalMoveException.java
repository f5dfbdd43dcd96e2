package roomgate.chess;

/**
 * Thrown when a submitted move cannot be played: it is not well-formed text, it breaks the rules
 * in the current position, or the game has already ended. The message says what was wrong and
 * what would have been accepted, so it can be shown to the client as is. No stack trace is
 * captured, because hostile clients may send floods of bad moves and rejecting them must be cheap.
 */
public final class IllegalMoveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the move was refused. */
    public enum Reason {
        /** The text is not a move in the expected notation (UCI or SAN). */
        MALFORMED,
        /** Well-formed, but not a legal move in the current position. */
        ILLEGAL,
        /** The game has ended; no move is accepted. */
        GAME_OVER
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
