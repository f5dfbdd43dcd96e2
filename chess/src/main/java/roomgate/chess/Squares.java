package roomgate.chess;

/**
 * Square indexing (a1 = 0, b1 = 1, ..., h8 = 63) and conversion to and from algebraic names.
 */
final class Squares {
    private Squares() {}

    static int file(int square) {
        return square & 7;
    }

    static int rank(int square) {
        return square >> 3;
    }

    static int of(int file, int rank) {
        return rank * 8 + file;
    }

    static String name(int square) {
        return new String(new char[] {(char) ('a' + file(square)), (char) ('1' + rank(square))});
    }

    /** Index of the square named at {@code s[offset..offset+1]}, or -1 if that is not a square. */
    static int parse(CharSequence s, int offset) {
        if (s.length() < offset + 2) {
            return -1;
        }
        char f = s.charAt(offset);
        char r = s.charAt(offset + 1);
        if (f < 'a' || f > 'h' || r < '1' || r > '8') {
            return -1;
        }
        return of(f - 'a', r - '1');
    }

    static int parse(CharSequence s) {
        return s.length() == 2 ? parse(s, 0) : -1;
    }

    static boolean isLight(int square) {
        return ((file(square) + rank(square)) & 1) == 1;
    }
}
