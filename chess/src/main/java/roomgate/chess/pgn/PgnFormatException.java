package roomgate.chess.pgn;

/**
 * Thrown when PGN text is broken in a way the reader cannot skip over (an unterminated comment
 * or tag, unbalanced variations); the message gives the line so the file can be fixed.
 */
public final class PgnFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;

    PgnFormatException(int line, String message) {
        super("PGN line " + line + ": " + message);
        this.line = line;
    }

    /** 1-based line where the problem starts. */
    public int line() {
        return line;
    }
}
