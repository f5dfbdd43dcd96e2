package roomgate.chess;

/**
 * Packs a move into an int (from, to, promotion type, special-move flag) so move lists are plain
 * int arrays and perft allocates nothing per node.
 */
final class MoveBits {
    static final int NORMAL = 0;
    static final int DOUBLE_PUSH = 1;
    static final int EN_PASSANT = 2;
    static final int CASTLE = 3;

    private MoveBits() {}

    static int of(int from, int to, int promotion, int flag) {
        return from | (to << 6) | (promotion << 12) | (flag << 15);
    }

    static int from(int move) {
        return move & 63;
    }

    static int to(int move) {
        return (move >>> 6) & 63;
    }

    /** Promotion piece type code, 0 if none. */
    static int promotion(int move) {
        return (move >>> 12) & 7;
    }

    static int flag(int move) {
        return (move >>> 15) & 3;
    }

    static String uci(int move) {
        String s = Squares.name(from(move)) + Squares.name(to(move));
        int promo = promotion(move);
        return promo == 0 ? s : s + PieceType.ofCode(promo).uciLetter();
    }
}
