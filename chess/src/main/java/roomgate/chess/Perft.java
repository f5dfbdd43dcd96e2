package roomgate.chess;

/**
 * Counts leaf nodes of the legal move tree to a fixed depth: the standard correctness check for
 * a move generator. Works on its own copy of the board with one preallocated move buffer per ply.
 */
final class Perft {
    private final Board board;
    private final int[][] buffers;

    Perft(Board board, int depth) {
        this.board = board.copy();
        this.buffers = new int[Math.max(depth, 1) + 1][MoveGenerator.MAX_MOVES];
    }

    long count(int depth) {
        if (depth <= 0) {
            return 1;
        }
        int[] moves = buffers[depth];
        int n = MoveGenerator.pseudoLegal(board, moves);
        long nodes = 0;
        for (int i = 0; i < n; i++) {
            int m = moves[i];
            board.make(m);
            if (!board.moverLeftKingInCheck()) {
                nodes += depth == 1 ? 1 : count(depth - 1);
            }
            board.unmake(m);
        }
        return nodes;
    }
}
