package roomgate.chess;

import java.util.Arrays;

/**
 * Mutable mailbox board with make/unmake: the single piece of mutable state behind the immutable
 * {@link Position}, and what perft walks. Undo information lives in parallel int stacks so a
 * make/unmake pair allocates nothing.
 */
final class Board {
    static final int WHITE_KINGSIDE = 1;
    static final int WHITE_QUEENSIDE = 2;
    static final int BLACK_KINGSIDE = 4;
    static final int BLACK_QUEENSIDE = 8;

    /** Castling rights that survive a move touching the square (king or rook leaving, rook captured). */
    private static final int[] CASTLING_KEPT = new int[64];

    static {
        Arrays.fill(CASTLING_KEPT, 15);
        CASTLING_KEPT[Squares.of(4, 0)] = 15 & ~(WHITE_KINGSIDE | WHITE_QUEENSIDE);
        CASTLING_KEPT[Squares.of(7, 0)] = 15 & ~WHITE_KINGSIDE;
        CASTLING_KEPT[Squares.of(0, 0)] = 15 & ~WHITE_QUEENSIDE;
        CASTLING_KEPT[Squares.of(4, 7)] = 15 & ~(BLACK_KINGSIDE | BLACK_QUEENSIDE);
        CASTLING_KEPT[Squares.of(7, 7)] = 15 & ~BLACK_KINGSIDE;
        CASTLING_KEPT[Squares.of(0, 7)] = 15 & ~BLACK_QUEENSIDE;
    }

    final int[] squares = new int[64];
    final int[] kingSquare = new int[2];
    /** 0 = white to move, 1 = black. */
    int side;

    int castling;
    /** En passant target square after a double push, -1 otherwise (recorded as in standard FEN). */
    int epSquare = -1;

    int halfmoveClock;
    int fullmoveNumber = 1;

    private int[] undoCaptured = new int[32];
    private int[] undoCastling = new int[32];
    private int[] undoEp = new int[32];
    private int[] undoHalfmove = new int[32];
    private int undoDepth;

    Board copy() {
        Board b = new Board();
        System.arraycopy(squares, 0, b.squares, 0, 64);
        b.kingSquare[0] = kingSquare[0];
        b.kingSquare[1] = kingSquare[1];
        b.side = side;
        b.castling = castling;
        b.epSquare = epSquare;
        b.halfmoveClock = halfmoveClock;
        b.fullmoveNumber = fullmoveNumber;
        return b;
    }

    void make(int move) {
        if (undoDepth == undoCaptured.length) {
            growUndo();
        }
        int from = MoveBits.from(move);
        int to = MoveBits.to(move);
        int flag = MoveBits.flag(move);
        int piece = squares[from];
        int captured;
        if (flag == MoveBits.EN_PASSANT) {
            int victimSquare = side == 0 ? to - 8 : to + 8;
            captured = squares[victimSquare];
            squares[victimSquare] = Piece.EMPTY;
        } else {
            captured = squares[to];
        }
        undoCaptured[undoDepth] = captured;
        undoCastling[undoDepth] = castling;
        undoEp[undoDepth] = epSquare;
        undoHalfmove[undoDepth] = halfmoveClock;
        undoDepth++;

        squares[from] = Piece.EMPTY;
        int promo = MoveBits.promotion(move);
        squares[to] = promo == 0 ? piece : Piece.of(promo, side);
        if (Piece.type(piece) == Piece.KING) {
            kingSquare[side] = to;
            if (flag == MoveBits.CASTLE) {
                moveCastlingRook(from, to, true);
            }
        }
        castling &= CASTLING_KEPT[from] & CASTLING_KEPT[to];
        epSquare = flag == MoveBits.DOUBLE_PUSH ? (from + to) >> 1 : -1;
        boolean irreversible = Piece.type(piece) == Piece.PAWN || captured != Piece.EMPTY;
        halfmoveClock = irreversible ? 0 : halfmoveClock + 1;
        if (side == 1) {
            fullmoveNumber++;
        }
        side ^= 1;
    }

    void unmake(int move) {
        side ^= 1;
        if (side == 1) {
            fullmoveNumber--;
        }
        undoDepth--;
        int captured = undoCaptured[undoDepth];
        castling = undoCastling[undoDepth];
        epSquare = undoEp[undoDepth];
        halfmoveClock = undoHalfmove[undoDepth];

        int from = MoveBits.from(move);
        int to = MoveBits.to(move);
        int flag = MoveBits.flag(move);
        int piece = MoveBits.promotion(move) == 0 ? squares[to] : Piece.of(Piece.PAWN, side);
        squares[from] = piece;
        if (flag == MoveBits.EN_PASSANT) {
            squares[to] = Piece.EMPTY;
            squares[side == 0 ? to - 8 : to + 8] = captured;
        } else {
            squares[to] = captured;
        }
        if (Piece.type(piece) == Piece.KING) {
            kingSquare[side] = from;
            if (flag == MoveBits.CASTLE) {
                moveCastlingRook(from, to, false);
            }
        }
    }

    private void moveCastlingRook(int kingFrom, int kingTo, boolean forward) {
        boolean kingside = kingTo > kingFrom;
        int rookHome = kingside ? kingFrom + 3 : kingFrom - 4;
        int rookCastled = kingside ? kingFrom + 1 : kingFrom - 1;
        int src = forward ? rookHome : rookCastled;
        int dst = forward ? rookCastled : rookHome;
        squares[dst] = squares[src];
        squares[src] = Piece.EMPTY;
    }

    private void growUndo() {
        int n = undoCaptured.length * 2;
        undoCaptured = Arrays.copyOf(undoCaptured, n);
        undoCastling = Arrays.copyOf(undoCastling, n);
        undoEp = Arrays.copyOf(undoEp, n);
        undoHalfmove = Arrays.copyOf(undoHalfmove, n);
    }

    boolean sideToMoveInCheck() {
        return Attacks.isAttacked(this, kingSquare[side], side ^ 1);
    }

    /** After make(): whether the side that just moved left its own king attacked. */
    boolean moverLeftKingInCheck() {
        return Attacks.isAttacked(this, kingSquare[side ^ 1], side);
    }
}
