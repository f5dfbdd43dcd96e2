package roomgate.chess;

/** Test helper: builds games by playing UCI moves. */
final class Games {
    private Games() {}

    static ChessGame play(String fen, String... uci) {
        ChessGame game = new ChessGame(fen);
        for (String m : uci) {
            game.play(m);
        }
        return game;
    }

    static ChessGame fromStart(String... uci) {
        return play(Position.START_FEN, uci);
    }

    static boolean isLegal(ChessGame game, String uci) {
        return game.position().isLegal(Move.parseUci(uci));
    }
}
