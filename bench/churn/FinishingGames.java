import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import roomgate.chess.ChessGame;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.chess.pgn.PgnWriter;

/**
 * The games of some PGN files that end on the board (mate or stalemate), the only ones a room
 * finishes by itself when played move by move (resignations and agreed draws are not moves). Writes
 * them as PGN (for {@code play-pgn}) and as one line of UCI moves per game, in the same order (for
 * the archive check). Run from source: {@code java -cp chess/target/classes FinishingGames.java
 * OUT.pgn OUT.uci FILE...}.
 */
public final class FinishingGames {
    public static void main(String[] args) throws Exception {
        StringBuilder pgn = new StringBuilder();
        StringBuilder uciLines = new StringBuilder();
        int kept = 0;
        for (int i = 2; i < args.length; i++) {
            for (PgnGame game : PgnReader.readAll(Path.of(args[i]))) {
                ChessGame replay = new ChessGame();
                List<String> uci = new ArrayList<>();
                try {
                    for (String san : game.sanMoves()) {
                        String u = replay.toUci(san);
                        replay.play(u);
                        uci.add(u);
                    }
                } catch (RuntimeException illegal) {
                    continue;
                }
                if (!replay.status().isOver()) {
                    continue;
                }
                Map<String, String> tags = new LinkedHashMap<>();
                for (String tag : PgnWriter.SEVEN_TAG_ROSTER) {
                    tags.put(tag, game.tags().getOrDefault(tag, "?"));
                }
                pgn.append(PgnWriter.write(tags, game.sanMoves(), null, game.result())).append('\n');
                uciLines.append(String.join(" ", uci)).append('\n');
                kept++;
            }
        }
        Files.writeString(Path.of(args[0]), pgn);
        Files.writeString(Path.of(args[1]), uciLines);
        System.err.println("FinishingGames: " + kept + " games end on the board");
    }
}
