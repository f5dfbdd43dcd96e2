package roomgate.chess;

/**
 * Precomputed square relations (knight and king jumps, sliding rays) so move generation and
 * attack tests never do edge-of-board arithmetic in their inner loops.
 */
final class Geometry {
    /** Ray directions as (file, rank) steps; the first four are orthogonal, the last four diagonal. */
    private static final int[][] DIRECTIONS = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};

    private static final int[][] KNIGHT_STEPS = {{1, 2}, {2, 1}, {2, -1}, {1, -2}, {-1, -2}, {-2, -1}, {-2, 1}, {-1, 2}
    };

    static final int FIRST_ORTHOGONAL = 0;
    static final int FIRST_DIAGONAL = 4;

    /** RAYS[square][direction] lists the squares outward from square, nearest first. */
    static final int[][][] RAYS = new int[64][8][];

    static final int[][] KNIGHT_TARGETS = new int[64][];
    static final int[][] KING_TARGETS = new int[64][];

    static {
        for (int sq = 0; sq < 64; sq++) {
            for (int d = 0; d < 8; d++) {
                RAYS[sq][d] = walk(sq, DIRECTIONS[d], 7);
            }
            KNIGHT_TARGETS[sq] = jumps(sq, KNIGHT_STEPS);
            KING_TARGETS[sq] = jumps(sq, DIRECTIONS);
        }
    }

    private Geometry() {}

    private static int[] walk(int sq, int[] step, int maxSteps) {
        int[] buf = new int[7];
        int n = 0;
        int f = Squares.file(sq) + step[0];
        int r = Squares.rank(sq) + step[1];
        while (n < maxSteps && onBoard(f, r)) {
            buf[n++] = Squares.of(f, r);
            f += step[0];
            r += step[1];
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    private static int[] jumps(int sq, int[][] steps) {
        int[] buf = new int[8];
        int n = 0;
        for (int[] step : steps) {
            int f = Squares.file(sq) + step[0];
            int r = Squares.rank(sq) + step[1];
            if (onBoard(f, r)) {
                buf[n++] = Squares.of(f, r);
            }
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    private static boolean onBoard(int file, int rank) {
        return file >= 0 && file < 8 && rank >= 0 && rank < 8;
    }
}
