package roomgate.chess;

/**
 * Answers "is this square attacked by that colour", the primitive behind check detection, legal
 * move filtering and the castling transit rule.
 */
final class Attacks {
    private Attacks() {}

    static boolean isAttacked(Board board, int square, int byColor) {
        int[] sq = board.squares;
        if (pawnAttacks(sq, square, byColor)) {
            return true;
        }
        int knight = Piece.of(Piece.KNIGHT, byColor);
        for (int t : Geometry.KNIGHT_TARGETS[square]) {
            if (sq[t] == knight) {
                return true;
            }
        }
        int king = Piece.of(Piece.KING, byColor);
        for (int t : Geometry.KING_TARGETS[square]) {
            if (sq[t] == king) {
                return true;
            }
        }
        int queen = Piece.of(Piece.QUEEN, byColor);
        int rook = Piece.of(Piece.ROOK, byColor);
        int bishop = Piece.of(Piece.BISHOP, byColor);
        int[][] rays = Geometry.RAYS[square];
        for (int d = 0; d < 8; d++) {
            int slider = d < Geometry.FIRST_DIAGONAL ? rook : bishop;
            for (int t : rays[d]) {
                int p = sq[t];
                if (p != Piece.EMPTY) {
                    if (p == slider || p == queen) {
                        return true;
                    }
                    break;
                }
            }
        }
        return false;
    }

    private static boolean pawnAttacks(int[] sq, int square, int byColor) {
        int pawn = Piece.of(Piece.PAWN, byColor);
        int file = Squares.file(square);
        // A white pawn attacks upward, so it must stand one rank below the target (and vice versa).
        int behind = byColor == 0 ? square - 8 : square + 8;
        if (behind < 0 || behind > 63) {
            return false;
        }
        return (file > 0 && sq[behind - 1] == pawn) || (file < 7 && sq[behind + 1] == pawn);
    }
}
