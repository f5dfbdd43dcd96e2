package roomgate.node.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roomgate.archive.ArchiveDatabase;
import roomgate.archive.ArchiveReader;
import roomgate.archive.ArchiveSettings;
import roomgate.archive.ArchiveWriter;
import roomgate.archive.ArchivedGame;
import roomgate.archive.Archiver;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.HazelcastSettings;
import roomgate.node.replication.HazelcastRoomStore;
import roomgate.protocol.store.v1.RoomRecord;

/**
 * The backlog in a real Hazelcast member and the archive in H2: a finished room's record leaves
 * the map only after its row is committed; a room queued twice (a failover) is one row; a record
 * loaded again since it was queued stays; a full backlog takes no more rooms.
 */
class HazelcastArchiveBacklogTest {
    @TempDir
    Path dir;

    HazelcastInstance member;
    ArchiveDatabase db;
    IMap<String, byte[]> rooms;
    volatile java.util.Set<String> live = java.util.Set.of("node-a");

    @BeforeEach
    void start() throws Exception {
        String cluster = "archive-" + UUID.randomUUID();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HazelcastSettings settings =
                new HazelcastSettings(cluster, "127.0.0.1", port, List.of("127.0.0.1:" + port), 5, 1, 1);
        member = Hazelcast.newHazelcastInstance(
                HazelcastRoomStore.configure(settings.toMemberConfig(cluster, false, Map.of())));
        rooms = member.getMap(ClusterNames.ROOMS_MAP);
        // The split-brain protection counts the member only once it has seen itself join.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            rooms.get("warm-up");
            return member.getPartitionService().isClusterSafe();
        });
        db = ArchiveDatabase.open(
                new ArchiveSettings(ArchiveSettings.h2File(dir.resolve("a")), "", ""), "t", 2, Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        db.close();
        member.getLifecycleService().terminate();
    }

    @Test
    void aRecordLeavesTheMapOnlyOnceItsRowIsCommittedAndTwiceIsOneRow() throws Exception {
        HazelcastArchiveBacklog backlog = new HazelcastArchiveBacklog(member, 1_000, () -> live);
        Archiver archiver = new Archiver(backlog, new ArchiveWriter(db, "node-a"), 10, new SimpleMeterRegistry());
        RoomRecord record = RecordArchiveTest.foolsMate("r1", 3);
        rooms.set("r1", record.toByteArray());
        assertThat(backlog.finished("r1", 3).toCompletableFuture().get()).isTrue();

        // The database is closed for a moment: nothing leaves the map.
        ArchiveDatabase closed = ArchiveDatabase.open(
                new ArchiveSettings("jdbc:h2:tcp://127.0.0.1:1/nowhere", "", ""), "down", 1, Duration.ofMillis(300));
        Archiver down = new Archiver(backlog, new ArchiveWriter(closed, "node-a"), 10, new SimpleMeterRegistry());
        assertThat(down.round()).isZero();
        assertThat(rooms.containsKey("r1")).isTrue();
        assertThat(backlog.size()).isEqualTo(1);
        closed.close();

        assertThat(archiver.round()).isEqualTo(1);
        assertThat(rooms.containsKey("r1")).as("record gone once archived").isFalse();
        assertThat(member.getMap(ClusterNames.ARCHIVE_QUEUE_MAP).isEmpty()).isTrue();
        ArchivedGame game = new ArchiveReader(db).game("r1").orElseThrow();
        assertThat(game.result()).isEqualTo("0-1");
        assertThat(game.moves()).hasSize(4);

        // Around a failover another node queues the same record again: still one row.
        rooms.set("r1", record.toByteArray());
        backlog.finished("r1", 3).toCompletableFuture().get();
        archiver.round();
        assertThat(rooms.containsKey("r1")).isFalse();
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void aRoomLoadedAgainSinceItWasQueuedStaysInTheMap() throws Exception {
        HazelcastArchiveBacklog backlog = new HazelcastArchiveBacklog(member, 1_000, () -> live);
        Archiver archiver = new Archiver(backlog, new ArchiveWriter(db, "node-a"), 10, new SimpleMeterRegistry());
        rooms.set("r2", RecordArchiveTest.foolsMate("r2", 4).toByteArray()); // a join took it at epoch 4
        backlog.finished("r2", 3).toCompletableFuture().get();
        assertThat(archiver.round()).isZero();
        assertThat(rooms.containsKey("r2")).isTrue();
        assertThat(member.getMap(ClusterNames.ARCHIVE_QUEUE_MAP).isEmpty()).isTrue();
        assertThat(count()).isZero();
    }

    @Test
    void aFinishedRoomStillInMemoryWaitsUnlessItsNodeIsGone() throws Exception {
        HazelcastArchiveBacklog backlog = new HazelcastArchiveBacklog(member, 1_000, () -> live);
        Archiver archiver = new Archiver(backlog, new ArchiveWriter(db, "node-b"), 10, new SimpleMeterRegistry());
        rooms.set("held", RecordArchiveTest.foolsMate("held", 2).toByteArray()); // owned by node-a
        RoomRecord mate = RecordArchiveTest.foolsMate("cut", 2);
        // A game whose node died before its last move was stored: the cluster knows no end.
        rooms.set(
                "cut",
                mate.toBuilder()
                        .clearEvents()
                        .addAllEvents(mate.getEventsList().subList(0, 4))
                        .build()
                        .toByteArray());
        backlog.finishing("held", 2).toCompletableFuture().get();
        backlog.finishing("cut", 2).toCompletableFuture().get();

        assertThat(archiver.round()).as("node-a still holds them").isZero();
        assertThat(rooms.containsKey("held")).isTrue();
        assertThat(backlog.size()).isEqualTo(2);

        live = java.util.Set.of("node-b"); // node-a died with the rooms in memory
        assertThat(archiver.round()).isEqualTo(1);
        assertThat(new ArchiveReader(db).game("held"))
                .get()
                .extracting(ArchivedGame::result)
                .isEqualTo("0-1");
        assertThat(rooms.containsKey("held")).isFalse();
        assertThat(rooms.containsKey("cut"))
                .as("not finished as far as the cluster knows: kept for a join")
                .isTrue();
        assertThat(member.getMap(ClusterNames.ARCHIVE_QUEUE_MAP).isEmpty()).isTrue();
    }

    @Test
    void aFullBacklogTakesNoMoreRooms() throws Exception {
        HazelcastArchiveBacklog backlog = new HazelcastArchiveBacklog(member, 2, () -> live);
        ArchiveDatabase closed = ArchiveDatabase.open(
                new ArchiveSettings("jdbc:h2:tcp://127.0.0.1:1/nowhere", "", ""), "down", 1, Duration.ofMillis(300));
        Archiver down = new Archiver(backlog, new ArchiveWriter(closed, "node-a"), 10, new SimpleMeterRegistry());
        for (String id : List.of("a", "b")) {
            rooms.set(id, RecordArchiveTest.foolsMate(id, 1).toByteArray());
            assertThat(backlog.finished(id, 1).toCompletableFuture().get()).isTrue();
        }
        down.round(); // learns the backlog's size
        assertThat(backlog.sizeInCluster()).isEqualTo(2);
        assertThat(backlog.finished("c", 1).toCompletableFuture().get())
                .as("full")
                .isFalse();
        closed.close();

        Archiver archiver = new Archiver(backlog, new ArchiveWriter(db, "node-a"), 10, new SimpleMeterRegistry());
        archiver.round();
        archiver.round();
        await().atMost(Duration.ofSeconds(5)).until(() -> backlog.sizeInCluster() == 0);
        assertThat(backlog.finished("c", 1).toCompletableFuture().get())
                .as("room again")
                .isTrue();
        assertThat(count()).isEqualTo(2);
    }

    private int count() throws Exception {
        try (Connection c = db.ready().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM archived_game")) {
            r.next();
            return r.getInt(1);
        }
    }
}
