package roomgate.chess;

/**
 * Integer encoding of coloured pieces on the board: low three bits the type code (1..6, as in
 * {@link PieceType#code()}), bit 3 the colour. Ints rather than objects keep move generation and
 * make/unmake allocation-free.
 */
final class Piece {
    static final int EMPTY = 0;
    static final int PAWN = 1;
    static final int KNIGHT = 2;
    static final int BISHOP = 3;
    static final int ROOK = 4;
    static final int QUEEN = 5;
    static final int KING = 6;

    private Piece() {}

    static int of(int type, int color) {
        return type | (color << 3);
    }

    static int type(int piece) {
        return piece & 7;
    }

    static int color(int piece) {
        return piece >> 3;
    }

    static char fenChar(int piece) {
        char c = PieceType.ofCode(type(piece)).uciLetter();
        return color(piece) == 0 ? Character.toUpperCase(c) : c;
    }

    /** Piece for a FEN letter, or -1 if the letter is not a piece. */
    static int ofFenChar(char c) {
        int type;
        switch (Character.toLowerCase(c)) {
            case 'p':
                type = PAWN;
                break;
            case 'n':
                type = KNIGHT;
                break;
            case 'b':
                type = BISHOP;
                break;
            case 'r':
                type = ROOK;
                break;
            case 'q':
                type = QUEEN;
                break;
            case 'k':
                type = KING;
                break;
            default:
                return -1;
        }
        return of(type, Character.isUpperCase(c) ? 0 : 1);
    }

    static String name(int piece) {
        return PieceType.ofCode(type(piece)).name().toLowerCase();
    }
}
