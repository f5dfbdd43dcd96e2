package roomgate.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: an H2 file, migrated by Flyway on first use, written and read back. */
class ArchiveH2Test {
    @TempDir
    Path dir;

    ArchiveDatabase db;

    @BeforeEach
    void open() {
        db = ArchiveDatabase.open(
                ArchiveSettings.resolve(ArchiveSettings.h2File(dir.resolve("archive")), null, java.util.Map.of()),
                "test",
                2,
                Duration.ofSeconds(2));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void writesABatchOnceEvenWhenWrittenTwice() throws Exception {
        ArchiveWriter writer = new ArchiveWriter(db, "node-a");
        List<ArchivedGame> games =
                List.of(Games.chess("r1", 1_000, "alice", "bob"), Games.chess("r2", 2_000, "carol", "alice"));
        assertThat(writer.write(games).outcomes().values()).containsOnly(ArchiveWriter.Outcome.WRITTEN);
        // A failover: another node archives the same rooms again.
        assertThat(new ArchiveWriter(db, "node-b").write(games).outcomes().values())
                .containsOnly(ArchiveWriter.Outcome.ALREADY_ARCHIVED);
        Rows.assertCounts(db, 2, 4);

        ArchiveReader reader = new ArchiveReader(db);
        assertThat(reader.game("r1")).contains(games.get(0));
        assertThat(reader.game("nope")).isEmpty();
        // Newest first; participant in both.
        assertThat(reader.gamesOf("alice", 10))
                .extracting(n -> n.get("roomId").asText())
                .containsExactly("r2", "r1");
        assertThat(reader.gamesOf("alice", 1)).hasSize(1);
        assertThat(reader.gamesOf("nobody", 10)).isEmpty();
        assertThatThrownBy(() -> reader.gamesOf("alice", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reader.gamesOf("alice", ArchiveReader.MAX_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRoomIdUsedAgainIsANewGame() throws Exception {
        ArchiveWriter writer = new ArchiveWriter(db, "node-a");
        writer.write(List.of(Games.chess("r1", 1_000, "alice", "bob")));
        writer.write(List.of(Games.chess("r1", 5_000, "alice", "dan")));
        assertThat(new ArchiveReader(db).game("r1"))
                .get()
                .extracting(ArchivedGame::startedMs)
                .isEqualTo(5_000L);
    }

    @Test
    void aRefusedRowIsCountedOnceAndDoesNotHoldUpTheOthers() throws Exception {
        // A participant id longer than the column: the database refuses that game's row.
        ArchivedGame tooLong = Games.chess("bad", 1_000, "x".repeat(200), "bob");
        InMemoryBacklog backlog = new InMemoryBacklog(
                List.of(Games.chess("ok1", 1_000, "a", "b"), tooLong, Games.chess("ok2", 1_000, "a", "b")));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Archiver archiver = new Archiver(backlog, new ArchiveWriter(db, "node-a"), 10, meters);
        assertThat(archiver.round()).isEqualTo(3);
        assertThat(archiver.round()).isZero();
        assertThat(backlog.archived).extracting(ArchivedGame::roomId).containsExactly("ok1", "ok2");
        assertThat(backlog.refused).extracting(ArchivedGame::roomId).containsExactly("bad");
        assertThat(meters.counter("roomgate.archive.rows.refused").count()).isEqualTo(1.0);
        assertThat(meters.counter("roomgate.archive.rows.written").count()).isEqualTo(2.0);
        Rows.assertCounts(db, 2, 4);
    }

    @Test
    void credentialsComeFromTheEnvironmentOrAFileNeverTheUrl() throws Exception {
        Path file = dir.resolve("creds.properties");
        java.nio.file.Files.writeString(file, "user=archiver\npassword=s3cret\n");
        ArchiveSettings fromFile = ArchiveSettings.resolve(
                "jdbc:postgresql://127.0.0.1/x",
                file.toString(),
                java.util.Map.of("ROOMGATE_ARCHIVE_USER", "env-user"));
        assertThat(fromFile.user()).isEqualTo("archiver");
        assertThat(fromFile.password()).isEqualTo("s3cret");
        assertThat(fromFile.toString()).doesNotContain("s3cret");
        ArchiveSettings fromEnv = ArchiveSettings.resolve(
                "jdbc:postgresql://127.0.0.1/x",
                null,
                java.util.Map.of("ROOMGATE_ARCHIVE_USER", "u", "ROOMGATE_ARCHIVE_PASSWORD", "p"));
        assertThat(fromEnv.user()).isEqualTo("u");
        assertThat(fromEnv.password()).isEqualTo("p");
        assertThat(ArchiveSettings.resolve("none", null, java.util.Map.of()).enabled())
                .isFalse();
        assertThat(ArchiveSettings.resolve(null, null, java.util.Map.of()).jdbcUrl())
                .startsWith("jdbc:h2:file:");
        assertThatThrownBy(() -> ArchiveSettings.resolve("postgres://x", null, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
