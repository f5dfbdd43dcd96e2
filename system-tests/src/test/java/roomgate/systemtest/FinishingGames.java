package roomgate.systemtest;

import java.io.IOException;
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
 * The real games of PGN files that end on the board: by mate or stalemate after their last move, or
 * with a draw the player to move can claim. Only such games finish a room (and so reach the archive);
 * the rest end by resignation or agreement, which a client cannot play. The archive system tests play
 * them; so does the churn soak (bench/churn), through {@link #main}.
 */
public final class FinishingGames {
    /** A game as UCI moves, and whether the player to move claims a draw after the last one. */
    record Plan(PgnGame game, List<String> uci, boolean claimDraw) {}

    private FinishingGames() {}

    /** The finishing games of every {@code .pgn} file in {@code dir}, file by file in name order. */
    static List<Plan> inFolder(Path dir) throws IOException {
        List<Plan> plans = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".pgn")).sorted().toList()) {
                plans.addAll(in(file));
            }
        }
        return plans;
    }

    /** The finishing games of {@code file}, in its order. */
    static List<Plan> in(Path file) throws IOException {
        List<Plan> plans = new ArrayList<>();
        for (PgnGame game : PgnReader.readAll(file)) {
            ChessGame replay = new ChessGame();
            List<String> uci = new ArrayList<>();
            try {
                for (String san : game.sanMoves()) {
                    String u = replay.toUci(san);
                    replay.play(u);
                    uci.add(u);
                }
            } catch (RuntimeException stopsEarly) {
                continue;
            }
            if (replay.status().isOver()) {
                plans.add(new Plan(game, uci, false));
            } else if (replay.claimableDraw().isPresent()) {
                plans.add(new Plan(game, uci, true));
            }
        }
        return plans;
    }

    /**
     * For the churn soak, whose load tester plays moves and claims nothing: the games of {@code FILE...}
     * that end by mate or stalemate, written to {@code OUT.pgn} as PGN (for {@code play-pgn}) and to
     * {@code OUT.uci} as one line of UCI moves per game, in the same order (for the archive check).
     * Run with the test class path: {@code java -cp system-tests/target/test-classes:chess/target/classes
     * roomgate.systemtest.FinishingGames OUT.pgn OUT.uci FILE...}.
     */
    public static void main(String[] args) throws IOException {
        StringBuilder pgn = new StringBuilder();
        StringBuilder uciLines = new StringBuilder();
        int kept = 0;
        for (int i = 2; i < args.length; i++) {
            for (Plan plan : in(Path.of(args[i]))) {
                if (plan.claimDraw()) {
                    continue;
                }
                PgnGame game = plan.game();
                Map<String, String> tags = new LinkedHashMap<>();
                for (String tag : PgnWriter.SEVEN_TAG_ROSTER) {
                    tags.put(tag, game.tags().getOrDefault(tag, "?"));
                }
                pgn.append(PgnWriter.write(tags, game.sanMoves(), null, game.result()))
                        .append('\n');
                uciLines.append(String.join(" ", plan.uci())).append('\n');
                kept++;
            }
        }
        Files.writeString(Path.of(args[0]), pgn);
        Files.writeString(Path.of(args[1]), uciLines);
        System.err.println("FinishingGames: " + kept + " games end on the board");
    }
}
