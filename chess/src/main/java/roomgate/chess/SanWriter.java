package roomgate.chess;

/**
 * Writes Standard Algebraic Notation for a legal move, with the minimal disambiguation the PGN
 * standard asks for (file first, then rank, then both) and a "+" or "#" suffix.
 */
final class SanWriter {
    private SanWriter() {}

    /** SAN with check/mate suffix; {@code after} is the position the move leads to. */
    static String san(Position before, int move, Position after) {
        String base = withoutSuffix(before, move);
        if (after.isCheckmate()) {
            return base + "#";
        }
        return after.inCheck() ? base + "+" : base;
    }

    static String withoutSuffix(Position before, int move) {
        Board b = before.board();
        int from = MoveBits.from(move);
        int to = MoveBits.to(move);
        if (MoveBits.flag(move) == MoveBits.CASTLE) {
            return to > from ? "O-O" : "O-O-O";
        }
        int type = Piece.type(b.squares[from]);
        StringBuilder s = new StringBuilder(8);
        boolean capture = b.squares[to] != Piece.EMPTY || MoveBits.flag(move) == MoveBits.EN_PASSANT;
        if (type == Piece.PAWN) {
            if (capture) {
                s.append((char) ('a' + Squares.file(from))).append('x');
            }
            s.append(Squares.name(to));
            int promo = MoveBits.promotion(move);
            if (promo != 0) {
                s.append('=').append(PieceType.ofCode(promo).sanLetter());
            }
            return s.toString();
        }
        s.append(PieceType.ofCode(type).sanLetter());
        disambiguate(before, move, type, s);
        if (capture) {
            s.append('x');
        }
        return s.append(Squares.name(to)).toString();
    }

    private static void disambiguate(Position before, int move, int type, StringBuilder s) {
        int from = MoveBits.from(move);
        int to = MoveBits.to(move);
        boolean rivals = false;
        boolean sameFile = false;
        boolean sameRank = false;
        for (int other : before.legalBits()) {
            int otherFrom = MoveBits.from(other);
            if (otherFrom == from
                    || MoveBits.to(other) != to
                    || Piece.type(before.board().squares[otherFrom]) != type) {
                continue;
            }
            rivals = true;
            sameFile |= Squares.file(otherFrom) == Squares.file(from);
            sameRank |= Squares.rank(otherFrom) == Squares.rank(from);
        }
        if (!rivals) {
            return;
        }
        if (!sameFile) {
            s.append((char) ('a' + Squares.file(from)));
        } else if (!sameRank) {
            s.append((char) ('1' + Squares.rank(from)));
        } else {
            s.append(Squares.name(from));
        }
    }
}
