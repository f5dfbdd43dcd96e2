package roomgate.chess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable chess position: piece placement, side to move, castling rights, en passant square
 * and move counters, with FEN input/output, legal move generation and perft. Legal moves are
 * computed once on construction, so a Position can be queried freely and shared once built;
 * playing a move yields a new Position.
 */
public final class Position {
    /** FEN of the standard starting position. */
    public static final String START_FEN = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";

    private final Board board;
    private final int[] legal;
    private final boolean inCheck;
    private final List<Move> legalMoves;

    private Position(Board board) {
        this.board = board;
        int[] buf = new int[MoveGenerator.MAX_MOVES];
        this.legal = Arrays.copyOf(buf, MoveGenerator.legal(board, buf));
        this.inCheck = board.sideToMoveInCheck();
        List<Move> moves = new ArrayList<>(legal.length);
        for (int m : legal) {
            moves.add(Move.ofBits(m));
        }
        this.legalMoves = Collections.unmodifiableList(moves);
    }

    /** The standard starting position. */
    public static Position start() {
        return fromFen(START_FEN);
    }

    /**
     * Parses a FEN (six fields; the two move counters may be omitted and then default to 0 and 1).
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static Position fromFen(String fen) {
        return new Position(FenParser.parse(fen));
    }

    public String toFen() {
        return FenWriter.write(board);
    }

    public Color sideToMove() {
        return Color.ofIndex(board.side);
    }

    /** All legal moves, unmodifiable, in generation order. */
    public List<Move> legalMoves() {
        return legalMoves;
    }

    public boolean isLegal(Move move) {
        return find(move) != -1;
    }

    /**
     * The position after a legal move.
     *
     * @throws IllegalMoveException with reason ILLEGAL, explaining why, if the move is not legal here
     */
    public Position after(Move move) {
        int bits = find(move);
        if (bits == -1) {
            throw new IllegalMoveException(IllegalMoveException.Reason.ILLEGAL, MoveDiagnosis.explain(this, move));
        }
        return afterBits(bits);
    }

    /** Whether the side to move is in check. */
    public boolean inCheck() {
        return inCheck;
    }

    public boolean isCheckmate() {
        return inCheck && legal.length == 0;
    }

    public boolean isStalemate() {
        return !inCheck && legal.length == 0;
    }

    /** Whether neither side has mating material (see {@link GameStatus#DRAW_INSUFFICIENT_MATERIAL}). */
    public boolean hasInsufficientMaterial() {
        return Material.isInsufficient(board);
    }

    /** Plies since the last capture or pawn move, as in FEN. */
    public int halfmoveClock() {
        return board.halfmoveClock;
    }

    public int fullmoveNumber() {
        return board.fullmoveNumber;
    }

    /** Number of leaf nodes of the legal move tree {@code depth} plies deep (1 for depth 0). */
    public long perft(int depth) {
        return new Perft(board, depth).count(depth);
    }

    @Override
    public String toString() {
        return toFen();
    }

    /** Encoded legal move matching {@code move}, or -1. */
    int find(Move move) {
        for (int m : legal) {
            if (move.matches(m)) {
                return m;
            }
        }
        return -1;
    }

    Position afterBits(int bits) {
        Board next = board.copy();
        next.make(bits);
        return new Position(next);
    }

    /** The board; callers must not modify it. */
    Board board() {
        return board;
    }

    /** Encoded legal moves; callers must not modify the array. */
    int[] legalBits() {
        return legal;
    }

    /**
     * Identity of the position for the repetition rule (FIDE 9.2.3): placement, side to move,
     * castling rights, and the en passant square only when an en passant capture is actually legal.
     */
    String repetitionKey() {
        StringBuilder s = new StringBuilder(80);
        FenWriter.placement(board, s);
        s.append(board.side == 0 ? " w " : " b ")
                .append(FenWriter.castling(board.castling))
                .append(' ');
        s.append(hasLegalEnPassant() ? Squares.name(board.epSquare) : "-");
        return s.toString();
    }

    private boolean hasLegalEnPassant() {
        for (int m : legal) {
            if (MoveBits.flag(m) == MoveBits.EN_PASSANT) {
                return true;
            }
        }
        return false;
    }
}
