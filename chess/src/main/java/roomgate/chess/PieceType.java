package roomgate.chess;

/**
 * The six kinds of chess piece; public because a {@link Move} names the piece a pawn promotes to.
 */
public enum PieceType {
    PAWN('p'),
    KNIGHT('n'),
    BISHOP('b'),
    ROOK('r'),
    QUEEN('q'),
    KING('k');

    private final char letter;

    PieceType(char letter) {
        this.letter = letter;
    }

    /** Lower-case letter as used in UCI promotion suffixes and black FEN pieces, e.g. 'q'. */
    public char uciLetter() {
        return letter;
    }

    /** Upper-case letter as used in SAN, e.g. 'N'; pawns have none in SAN but 'P' is returned. */
    public char sanLetter() {
        return Character.toUpperCase(letter);
    }

    /** Whether a pawn may promote to this piece. */
    public boolean isPromotionTarget() {
        return this == KNIGHT || this == BISHOP || this == ROOK || this == QUEEN;
    }

    /** The promotion piece for a UCI suffix letter (q, r, b, n), or null if the letter is not one. */
    static PieceType ofPromotionLetter(char c) {
        switch (c) {
            case 'q':
                return QUEEN;
            case 'r':
                return ROOK;
            case 'b':
                return BISHOP;
            case 'n':
                return KNIGHT;
            default:
                return null;
        }
    }

    /** Internal numeric code used by the board encoding (1..6). */
    int code() {
        return ordinal() + 1;
    }

    static PieceType ofCode(int code) {
        return code == 0 ? null : values()[code - 1];
    }
}
