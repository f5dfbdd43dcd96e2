package roomgate.chess;

/**
 * Generates moves into caller-supplied int buffers: pseudo-legal moves (obeying piece movement,
 * with castling already checked for empty and unattacked transit squares), and legal moves by
 * filtering those through make / king-safety test / unmake. Filtering by actually making the move
 * is what makes the pinned en passant case (both pawns leaving the king's rank) come out right.
 */
final class MoveGenerator {
    /** No chess position has more than 218 legal moves; pseudo-legal lists stay well below 256. */
    static final int MAX_MOVES = 256;

    private static final int[] PROMOTIONS = {Piece.QUEEN, Piece.ROOK, Piece.BISHOP, Piece.KNIGHT};

    private MoveGenerator() {}

    static int legal(Board board, int[] out) {
        int n = pseudoLegal(board, out);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int m = out[i];
            board.make(m);
            boolean ok = !board.moverLeftKingInCheck();
            board.unmake(m);
            if (ok) {
                out[kept++] = m;
            }
        }
        return kept;
    }

    static int pseudoLegal(Board board, int[] out) {
        int[] sq = board.squares;
        int us = board.side;
        int n = 0;
        for (int from = 0; from < 64; from++) {
            int p = sq[from];
            if (p == Piece.EMPTY || Piece.color(p) != us) {
                continue;
            }
            switch (Piece.type(p)) {
                case Piece.PAWN:
                    n = pawnMoves(board, from, out, n);
                    break;
                case Piece.KNIGHT:
                    n = jumps(sq, us, from, Geometry.KNIGHT_TARGETS[from], out, n);
                    break;
                case Piece.BISHOP:
                    n = slides(sq, us, from, Geometry.FIRST_DIAGONAL, 8, out, n);
                    break;
                case Piece.ROOK:
                    n = slides(sq, us, from, 0, Geometry.FIRST_DIAGONAL, out, n);
                    break;
                case Piece.QUEEN:
                    n = slides(sq, us, from, 0, 8, out, n);
                    break;
                case Piece.KING:
                    n = jumps(sq, us, from, Geometry.KING_TARGETS[from], out, n);
                    n = castling(board, from, out, n);
                    break;
                default:
                    throw new IllegalStateException("corrupt board at " + Squares.name(from));
            }
        }
        return n;
    }

    private static int jumps(int[] sq, int us, int from, int[] targets, int[] out, int n) {
        for (int to : targets) {
            int q = sq[to];
            if (q == Piece.EMPTY || Piece.color(q) != us) {
                out[n++] = MoveBits.of(from, to, 0, MoveBits.NORMAL);
            }
        }
        return n;
    }

    private static int slides(int[] sq, int us, int from, int dirFrom, int dirTo, int[] out, int n) {
        int[][] rays = Geometry.RAYS[from];
        for (int d = dirFrom; d < dirTo; d++) {
            for (int to : rays[d]) {
                int q = sq[to];
                if (q == Piece.EMPTY) {
                    out[n++] = MoveBits.of(from, to, 0, MoveBits.NORMAL);
                } else {
                    if (Piece.color(q) != us) {
                        out[n++] = MoveBits.of(from, to, 0, MoveBits.NORMAL);
                    }
                    break;
                }
            }
        }
        return n;
    }

    private static int pawnMoves(Board board, int from, int[] out, int n) {
        int[] sq = board.squares;
        int us = board.side;
        int forward = us == 0 ? 8 : -8;
        int rank = Squares.rank(from);
        int startRank = us == 0 ? 1 : 6;
        int lastRankBefore = us == 0 ? 6 : 1;
        boolean promotes = rank == lastRankBefore;
        int one = from + forward;
        if (sq[one] == Piece.EMPTY) {
            n = pawnTo(from, one, promotes, out, n);
            int two = one + forward;
            if (rank == startRank && sq[two] == Piece.EMPTY) {
                out[n++] = MoveBits.of(from, two, 0, MoveBits.DOUBLE_PUSH);
            }
        }
        int file = Squares.file(from);
        for (int df = -1; df <= 1; df += 2) {
            if (file + df < 0 || file + df > 7) {
                continue;
            }
            int to = one + df;
            int q = sq[to];
            if (q != Piece.EMPTY && Piece.color(q) != us) {
                n = pawnTo(from, to, promotes, out, n);
            } else if (to == board.epSquare) {
                out[n++] = MoveBits.of(from, to, 0, MoveBits.EN_PASSANT);
            }
        }
        return n;
    }

    private static int pawnTo(int from, int to, boolean promotes, int[] out, int n) {
        if (promotes) {
            for (int promo : PROMOTIONS) {
                out[n++] = MoveBits.of(from, to, promo, MoveBits.NORMAL);
            }
        } else {
            out[n++] = MoveBits.of(from, to, 0, MoveBits.NORMAL);
        }
        return n;
    }

    /**
     * Castling needs the right (king and rook unmoved, rook not captured — tracked by the board),
     * empty squares between king and rook, and a king that is not in check and does not cross an
     * attacked square. The landing square is left to the generic king-safety filter.
     */
    private static int castling(Board board, int from, int[] out, int n) {
        int us = board.side;
        int rights = us == 0 ? board.castling & 3 : (board.castling >> 2) & 3;
        if (rights == 0) {
            return n;
        }
        int[] sq = board.squares;
        int them = us ^ 1;
        if (Attacks.isAttacked(board, from, them)) {
            return n;
        }
        if ((rights & 1) != 0
                && sq[from + 1] == Piece.EMPTY
                && sq[from + 2] == Piece.EMPTY
                && !Attacks.isAttacked(board, from + 1, them)) {
            out[n++] = MoveBits.of(from, from + 2, 0, MoveBits.CASTLE);
        }
        if ((rights & 2) != 0
                && sq[from - 1] == Piece.EMPTY
                && sq[from - 2] == Piece.EMPTY
                && sq[from - 3] == Piece.EMPTY
                && !Attacks.isAttacked(board, from - 1, them)) {
            out[n++] = MoveBits.of(from, from - 2, 0, MoveBits.CASTLE);
        }
        return n;
    }
}
