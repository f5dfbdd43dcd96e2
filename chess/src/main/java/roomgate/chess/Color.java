package roomgate.chess;

/**
 * The two sides of a chess game; used wherever the rules or a caller need to know whose turn it
 * is or who made a move.
 */
public enum Color {
    WHITE,
    BLACK;

    /** The other side. */
    public Color opposite() {
        return this == WHITE ? BLACK : WHITE;
    }

    /** Lower-case English name as used in messages ("white", "black"). */
    String label() {
        return this == WHITE ? "white" : "black";
    }

    static Color ofIndex(int index) {
        return index == 0 ? WHITE : BLACK;
    }

    int index() {
        return ordinal();
    }
}
