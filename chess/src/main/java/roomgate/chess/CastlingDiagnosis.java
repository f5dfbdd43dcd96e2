package roomgate.chess;

/**
 * Names the castling condition a two-square king move breaks (right lost, squares occupied,
 * king in check, crossing or landing on an attacked square), because "cannot reach g1" would
 * be an unhelpful answer to a castling attempt.
 */
final class CastlingDiagnosis {
    private CastlingDiagnosis() {}

    /** The broken condition, or null if castling this way is legal or the move is not a castling attempt. */
    static String explain(Board b, int from, int to) {
        int us = b.side;
        int home = us == 0 ? 0 : 7;
        if (from != Squares.of(4, home)) {
            return null;
        }
        boolean kingside = to > from;
        String side = kingside ? "kingside" : "queenside";
        String who = Color.ofIndex(us).label();
        String them = Color.ofIndex(us ^ 1).label();
        int right = kingside ? Board.WHITE_KINGSIDE : Board.WHITE_QUEENSIDE;
        if (us == 1) {
            right <<= 2;
        }
        if ((b.castling & right) == 0) {
            return who + " may no longer castle " + side
                    + " (the king or that rook has moved, or the rook was captured)";
        }
        int rookSq = kingside ? from + 3 : from - 4;
        int step = kingside ? 1 : -1;
        for (int sq = from + step; sq != rookSq; sq += step) {
            if (b.squares[sq] != Piece.EMPTY) {
                return "castling " + side + " needs the squares between king and rook empty, but " + Squares.name(sq)
                        + " is occupied";
            }
        }
        if (Attacks.isAttacked(b, from, us ^ 1)) {
            return "the king is in check and cannot castle out of it";
        }
        if (Attacks.isAttacked(b, from + step, us ^ 1)) {
            return "the king would pass through " + Squares.name(from + step) + ", which " + them + " attacks";
        }
        if (Attacks.isAttacked(b, to, us ^ 1)) {
            return "the king would land on " + Squares.name(to) + ", which " + them + " attacks";
        }
        return null;
    }
}
