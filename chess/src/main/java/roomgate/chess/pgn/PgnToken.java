package roomgate.chess.pgn;

/** A lexical unit of PGN as the reader needs it; comments and escape lines never become tokens. */
record PgnToken(Kind kind, String text, String value, int line) {
    enum Kind {
        TAG,
        SYMBOL,
        NAG,
        OPEN_VARIATION,
        CLOSE_VARIATION,
        END
    }
}
