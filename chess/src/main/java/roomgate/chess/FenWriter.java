package roomgate.chess;

/**
 * Writes a {@link Board} as FEN. The en passant field follows the PGN standard: it names the
 * square behind any pawn that just advanced two squares, whether or not a capture is possible.
 */
final class FenWriter {
    private FenWriter() {}

    static String write(Board b) {
        StringBuilder s = new StringBuilder(90);
        placement(b, s);
        s.append(b.side == 0 ? " w " : " b ");
        s.append(castling(b.castling));
        s.append(' ').append(b.epSquare < 0 ? "-" : Squares.name(b.epSquare));
        s.append(' ').append(b.halfmoveClock).append(' ').append(b.fullmoveNumber);
        return s.toString();
    }

    static void placement(Board b, StringBuilder s) {
        for (int rank = 7; rank >= 0; rank--) {
            int empty = 0;
            for (int file = 0; file < 8; file++) {
                int p = b.squares[Squares.of(file, rank)];
                if (p == Piece.EMPTY) {
                    empty++;
                    continue;
                }
                if (empty > 0) {
                    s.append(empty);
                    empty = 0;
                }
                s.append(Piece.fenChar(p));
            }
            if (empty > 0) {
                s.append(empty);
            }
            if (rank > 0) {
                s.append('/');
            }
        }
    }

    static String castling(int rights) {
        if (rights == 0) {
            return "-";
        }
        StringBuilder s = new StringBuilder(4);
        if ((rights & Board.WHITE_KINGSIDE) != 0) s.append('K');
        if ((rights & Board.WHITE_QUEENSIDE) != 0) s.append('Q');
        if ((rights & Board.BLACK_KINGSIDE) != 0) s.append('k');
        if ((rights & Board.BLACK_QUEENSIDE) != 0) s.append('q');
        return s.toString();
    }
}
