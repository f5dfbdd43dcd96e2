package roomgate.chess;

/**
 * Turns a FEN string into a {@link Board}, rejecting anything that is not a reachable-looking
 * position the rules can work on (kings, pawns on back ranks, castling rights without king and
 * rook at home, impossible en passant squares, the side not to move in check). Every rejection
 * says which field is wrong, because FENs usually come from a person or another system's bug.
 */
final class FenParser {
    private final String fen;

    private FenParser(String fen) {
        this.fen = fen;
    }

    static Board parse(String fen) {
        if (fen == null) {
            throw new IllegalArgumentException("FEN is null");
        }
        return new FenParser(fen).parse();
    }

    private Board parse() {
        String[] fields = fen.trim().split("\\s+");
        if (fields.length != 6 && fields.length != 4) {
            throw error("expected 6 space-separated fields (placement, side, castling, en passant,"
                    + " halfmove clock, fullmove number) but found " + fields.length);
        }
        Board b = new Board();
        placement(b, fields[0]);
        side(b, fields[1]);
        castling(b, fields[2]);
        enPassant(b, fields[3]);
        if (fields.length == 6) {
            b.halfmoveClock = number(fields[4], "halfmove clock", 0);
            b.fullmoveNumber = number(fields[5], "fullmove number", 1);
        }
        if (Attacks.isAttacked(b, b.kingSquare[b.side ^ 1], b.side)) {
            throw error("the side not to move (" + Color.ofIndex(b.side ^ 1).label() + ") is in check, so it cannot be "
                    + Color.ofIndex(b.side).label() + "'s turn");
        }
        return b;
    }

    private void placement(Board b, String field) {
        String[] ranks = field.split("/", -1);
        if (ranks.length != 8) {
            throw error("piece placement must have 8 ranks separated by '/', found " + ranks.length);
        }
        int[] kings = new int[2];
        int[] pawns = new int[2];
        int[] pieces = new int[2];
        for (int i = 0; i < 8; i++) {
            int rank = 7 - i;
            int file = 0;
            for (char c : ranks[i].toCharArray()) {
                if (c >= '1' && c <= '8') {
                    file += c - '0';
                    continue;
                }
                int p = Piece.ofFenChar(c);
                if (p < 0) {
                    throw error("unexpected character '" + c + "' in rank " + (rank + 1)
                            + "; expected one of PNBRQKpnbrqk or a digit 1-8");
                }
                if (file > 7) {
                    throw error("rank " + (rank + 1) + " ('" + ranks[i] + "') describes more than 8 squares");
                }
                int sq = Squares.of(file, rank);
                int color = Piece.color(p);
                if (Piece.type(p) == Piece.PAWN) {
                    if (rank == 0 || rank == 7) {
                        throw error("pawn on " + Squares.name(sq) + ": pawns cannot stand on rank 1 or 8");
                    }
                    pawns[color]++;
                }
                if (Piece.type(p) == Piece.KING) {
                    kings[color]++;
                    b.kingSquare[color] = sq;
                }
                pieces[color]++;
                b.squares[sq] = p;
                file++;
            }
            if (file != 8) {
                throw error("rank " + (rank + 1) + " ('" + ranks[i] + "') describes " + file + " squares, expected 8");
            }
        }
        for (int c = 0; c < 2; c++) {
            String who = Color.ofIndex(c).label();
            if (kings[c] != 1) {
                throw error(who + " must have exactly one king, found " + kings[c]);
            }
            if (pawns[c] > 8 || pieces[c] > 16) {
                throw error(who + " has " + pieces[c] + " pieces of which " + pawns[c]
                        + " pawns; at most 16 and 8 are possible");
            }
        }
    }

    private void side(Board b, String field) {
        switch (field) {
            case "w":
                b.side = 0;
                break;
            case "b":
                b.side = 1;
                break;
            default:
                throw error("side to move must be 'w' or 'b', found '" + field + "'");
        }
    }

    private void castling(Board b, String field) {
        if (field.equals("-")) {
            return;
        }
        for (char c : field.toCharArray()) {
            int right;
            int color;
            int rookFile;
            switch (c) {
                case 'K':
                    right = Board.WHITE_KINGSIDE;
                    color = 0;
                    rookFile = 7;
                    break;
                case 'Q':
                    right = Board.WHITE_QUEENSIDE;
                    color = 0;
                    rookFile = 0;
                    break;
                case 'k':
                    right = Board.BLACK_KINGSIDE;
                    color = 1;
                    rookFile = 7;
                    break;
                case 'q':
                    right = Board.BLACK_QUEENSIDE;
                    color = 1;
                    rookFile = 0;
                    break;
                default:
                    throw error("castling field '" + field + "' may only contain K, Q, k, q or be '-'");
            }
            if ((b.castling & right) != 0) {
                throw error("castling right '" + c + "' repeated");
            }
            int home = color == 0 ? 0 : 7;
            int kingSq = Squares.of(4, home);
            int rookSq = Squares.of(rookFile, home);
            if (b.squares[kingSq] != Piece.of(Piece.KING, color) || b.squares[rookSq] != Piece.of(Piece.ROOK, color)) {
                throw error("castling right '" + c + "' needs the "
                        + Color.ofIndex(color).label() + " king on " + Squares.name(kingSq) + " and a rook on "
                        + Squares.name(rookSq));
            }
            b.castling |= right;
        }
    }

    private void enPassant(Board b, String field) {
        if (field.equals("-")) {
            return;
        }
        int sq = Squares.parse(field);
        if (sq < 0) {
            throw error("en passant field must be '-' or a square like e3, found '" + field + "'");
        }
        int expectedRank = b.side == 0 ? 5 : 2;
        int pusher = b.side ^ 1;
        int pawnSq = b.side == 0 ? sq - 8 : sq + 8;
        int originSq = b.side == 0 ? sq + 8 : sq - 8;
        if (Squares.rank(sq) != expectedRank
                || b.squares[pawnSq] != Piece.of(Piece.PAWN, pusher)
                || b.squares[sq] != Piece.EMPTY
                || b.squares[originSq] != Piece.EMPTY) {
            throw error("en passant square " + field + " is impossible: with "
                    + Color.ofIndex(b.side).label() + " to move it must be on rank " + (expectedRank + 1)
                    + ", empty, with an empty square behind it and a "
                    + Color.ofIndex(pusher).label()
                    + " pawn in front of it on " + Squares.name(pawnSq));
        }
        b.epSquare = sq;
    }

    private int number(String field, String what, int min) {
        int value;
        try {
            value = Integer.parseInt(field);
        } catch (NumberFormatException e) {
            throw error(what + " must be an integer, found '" + field + "'");
        }
        if (value < min) {
            throw error(what + " must be at least " + min + ", found " + value);
        }
        return value;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid FEN '" + fen + "': " + what);
    }
}
