package roomgate.chess;

/**
 * Explains why a well-formed move is not legal in a position and what would have been accepted,
 * e.g. "e2e5: illegal in position ... (pawn on e2 cannot reach e5; legal moves from e2: e2e3 e2e4)".
 * Only called on the rejection path, so clarity matters more than speed here.
 */
final class MoveDiagnosis {
    private MoveDiagnosis() {}

    static String explain(Position pos, Move move) {
        return move.uci() + ": illegal in position " + pos.toFen() + " (" + reason(pos, move) + ")";
    }

    private static String reason(Position pos, Move move) {
        Board b = pos.board();
        int from = move.fromIndex();
        int piece = b.squares[from];
        String us = Color.ofIndex(b.side).label();
        if (piece == Piece.EMPTY) {
            return "there is no piece on " + move.from() + "; " + allLegal(pos);
        }
        if (Piece.color(piece) != b.side) {
            return "the " + Piece.name(piece) + " on " + move.from() + " is "
                    + Color.ofIndex(Piece.color(piece)).label() + "'s and it is " + us + "'s turn; " + allLegal(pos);
        }
        String what = Piece.name(piece) + " on " + move.from();
        return rule(pos, move, piece, what) + "; " + legalFrom(pos, from, what);
    }

    private static String rule(Position pos, Move move, int piece, String what) {
        Board b = pos.board();
        int from = move.fromIndex();
        int to = move.toIndex();
        boolean reachesLastRank = Piece.type(piece) == Piece.PAWN && (Squares.rank(to) == 0 || Squares.rank(to) == 7);
        if (move.promotion() == null && reachesLastRank && hasLegal(pos, from, to)) {
            return "a pawn reaching the last rank must promote: send " + move.uci() + "q, " + move.uci() + "r, "
                    + move.uci() + "b or " + move.uci() + "n";
        }
        if (move.promotion() != null && !reachesLastRank) {
            return "only a pawn moving to the last rank can promote";
        }
        if (Piece.type(piece) == Piece.KING && Squares.rank(from) == Squares.rank(to) && Math.abs(to - from) == 2) {
            String castling = CastlingDiagnosis.explain(b, from, to);
            if (castling != null) {
                return castling;
            }
        }
        if (isPseudoLegal(b, from, to)) {
            return pos.inCheck()
                    ? Color.ofIndex(b.side).label() + " is in check and this move does not get out of it"
                    : "it would leave the " + Color.ofIndex(b.side).label() + " king in check";
        }
        return what + " cannot reach " + move.to();
    }

    private static boolean hasLegal(Position pos, int from, int to) {
        for (int m : pos.legalBits()) {
            if (MoveBits.from(m) == from && MoveBits.to(m) == to) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPseudoLegal(Board b, int from, int to) {
        int[] buf = new int[MoveGenerator.MAX_MOVES];
        int n = MoveGenerator.pseudoLegal(b, buf);
        for (int i = 0; i < n; i++) {
            if (MoveBits.from(buf[i]) == from && MoveBits.to(buf[i]) == to) {
                return true;
            }
        }
        return false;
    }

    private static String legalFrom(Position pos, int from, String what) {
        StringBuilder s = new StringBuilder();
        for (int m : pos.legalBits()) {
            if (MoveBits.from(m) == from) {
                s.append(s.length() == 0 ? "" : " ").append(MoveBits.uci(m));
            }
        }
        return s.length() == 0
                ? "the " + what + " has no legal move; " + allLegal(pos)
                : "legal moves from " + Squares.name(from) + ": " + s;
    }

    private static String allLegal(Position pos) {
        if (pos.legalBits().length == 0) {
            return "there are no legal moves";
        }
        StringBuilder s = new StringBuilder("legal moves: ");
        for (int i = 0; i < pos.legalBits().length; i++) {
            s.append(i == 0 ? "" : " ").append(MoveBits.uci(pos.legalBits()[i]));
        }
        return s.toString();
    }
}
