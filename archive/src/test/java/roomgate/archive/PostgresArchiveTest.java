package roomgate.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production path against a real PostgreSQL server ({@link TestPostgres}): migration, batches,
 * idempotence, a refused row, and an outage: the server stops while games wait, nothing leaves the
 * backlog, and once it is back every game is written exactly once.
 */
class PostgresArchiveTest {
    @TempDir
    Path dir;

    @Test
    void writesReadsAndSurvivesAnOutage() throws Exception {
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres pg = TestPostgres.start(data, 0);
        int port = pg.getPort();
        try (ArchiveDatabase db = ArchiveDatabase.open(
                ArchiveSettings.resolve(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                        null,
                        Map.of("ROOMGATE_ARCHIVE_USER", "postgres", "ROOMGATE_ARCHIVE_PASSWORD", "postgres")),
                "pg-test",
                2,
                Duration.ofSeconds(1))) {
            ArchiveWriter writer = new ArchiveWriter(db, "node-a");
            List<ArchivedGame> first =
                    List.of(Games.chess("p1", 1_000, "alice", "bob"), Games.chess("p2", 2_000, "bob", "carol"));
            assertThat(writer.write(first).outcomes().values()).containsOnly(ArchiveWriter.Outcome.WRITTEN);
            assertThat(writer.write(first).outcomes().values()).containsOnly(ArchiveWriter.Outcome.ALREADY_ARCHIVED);
            ArchiveReader reader = new ArchiveReader(db);
            assertThat(reader.game("p2")).contains(first.get(1));
            assertThat(reader.gamesOf("bob", 10))
                    .extracting(n -> n.get("roomId").asText())
                    .containsExactly("p2", "p1");

            // A refused row among good ones (a batch with a duplicate too).
            List<ArchivedGame> mixed = new ArrayList<>(List.of(
                    Games.chess("p3", 3_000, "dan", "erin"),
                    Games.chess("bad", 3_000, "x".repeat(300), "erin"),
                    first.get(0)));
            InMemoryBacklog backlog = new InMemoryBacklog(mixed);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            Archiver archiver = new Archiver(backlog, writer, 10, meters);
            archiver.round();
            assertThat(backlog.refused).extracting(ArchivedGame::roomId).containsExactly("bad");
            assertThat(backlog.archived).extracting(ArchivedGame::roomId).containsExactly("p3", "p1");
            Rows.assertCounts(db, 3, 6);

            // Outage: the server goes away while games finish.
            pg.close();
            List<ArchivedGame> during = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                during.add(Games.chess("o" + i, 10_000 + i, "alice", "p" + i));
            }
            InMemoryBacklog waiting = new InMemoryBacklog(during);
            Archiver outage = new Archiver(waiting, writer, 10, meters);
            assertThat(outage.round()).isZero();
            assertThat(outage.round()).isZero();
            assertThat(outage.databaseDown()).isTrue();
            assertThat(waiting.size()).isEqualTo(25);
            assertThat(meters.counter("roomgate.archive.write.failures").count())
                    .isEqualTo(2.0);

            // Back, on the same port and data: the backlog drains, one row per game.
            pg = TestPostgres.start(data, port);
            while (outage.round() > 0) {
                // drain
            }
            assertThat(outage.databaseDown()).isFalse();
            assertThat(waiting.size()).isZero();
            assertThat(waiting.archived).hasSize(25);
            Rows.assertCounts(db, 28, 56);
            assertThat(reader.gamesOf("alice", 100)).hasSize(26);
        } finally {
            pg.close();
        }
    }
}
