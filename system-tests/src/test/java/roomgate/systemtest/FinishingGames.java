package roomgate.systemtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import roomgate.chess.ChessGame;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;

/**
 * The real games of PGN files that end on the board: by mate or stalemate after their last move, or
 * with a draw the player to move can claim. Only such games finish a room (and so reach the archive);
 * the rest end by resignation or agreement, which a client cannot play.
 */
final class FinishingGames {
    /** A game as UCI moves, and whether the player to move claims a draw after the last one. */
    record Plan(List<String> uci, boolean claimDraw) {}

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
                plans.add(new Plan(uci, false));
            } else if (replay.claimableDraw().isPresent()) {
                plans.add(new Plan(uci, true));
            }
        }
        return plans;
    }
}
