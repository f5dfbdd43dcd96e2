package roomgate.loadtest.pgn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import roomgate.chess.ChessGame;
import roomgate.chess.IllegalMoveException;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;

/** Games read from PGN files and turned into the UCI moves a client sends (SAN -> UCI by the chess module). */
public final class PgnGames {
    private PgnGames() {}

    /** One playable game: where it came from and its moves in UCI. */
    public record Game(String name, List<String> uci) {}

    /**
     * Every game with at least one move from {@code files}, in file order, at most {@code limit}.
     * A game whose moves stop being legal is cut at the last legal one (and still played).
     */
    public static List<Game> read(List<Path> files, int limit) throws IOException {
        List<Game> games = new ArrayList<>();
        for (Path file : files) {
            int index = 0;
            for (PgnGame pgn : PgnReader.readAll(file)) {
                index++;
                if (games.size() >= limit) {
                    return games;
                }
                List<String> uci = toUci(pgn.sanMoves());
                if (!uci.isEmpty()) {
                    String name = file.getFileName() + "#" + index + " " + pgn.tag("White") + " - " + pgn.tag("Black");
                    games.add(new Game(name, uci));
                }
            }
        }
        return games;
    }

    static List<String> toUci(List<String> san) {
        ChessGame game = new ChessGame();
        List<String> uci = new ArrayList<>(san.size());
        for (String move : san) {
            try {
                String u = game.toUci(move);
                game.play(u);
                uci.add(u);
            } catch (IllegalMoveException e) {
                break;
            }
        }
        return uci;
    }
}
