package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.chess.pgn.PgnWriter;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.loadtest.LoadtestMain;
import roomgate.protocol.v1.ClaimDraw;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameStatus;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * The archive end to end: 2 nodes and a gateway (separate JVMs) sharing the embedded H2 archive.
 * Real tournament games that end on the board (mate, or a draw the player to move claims) are played
 * to the end through the gateway; a late spectator is told the game is finished; then each game is
 * read back from {@code GET /games/ROOM} (JSON and PGN) and compared move for move with what the
 * players were acknowledged, and found among its players' games. An idle unfinished room leaves its
 * node's memory and is loaded again, with its moves, by the next join. Bad requests get 4xx JSON.
 * The load tester's {@code play-pgn --from-archive} plays an archived game again.
 */
class ArchiveSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(
                "ArchiveSystemTest",
                2,
                1,
                List.of(
                        "--room-idle-unload",
                        "2",
                        "--finished-room-grace-seconds",
                        "3",
                        "--archive-interval-ms",
                        "200"),
                gateway -> List.of());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What the players were acknowledged. */
    private record Played(
            String roomId, String white, String black, List<String> uci, List<String> san, String result) {}

    @Test
    void finishedGamesAreArchivedAndReadBackMoveForMove() throws Exception {
        List<FinishingGames.Plan> plans = FinishingGames.in(Path.of("..", "data", "pgn", "tatamast22.pgn"));
        assertThat(plans).as("games of tatamast22 that end on the board").hasSizeGreaterThanOrEqualTo(3);
        ExecutorService pool = Executors.newFixedThreadPool(plans.size());
        List<Future<Played>> games = new ArrayList<>();
        try {
            for (int i = 0; i < plans.size(); i++) {
                String roomId = "arch-" + RUN + "-" + i;
                FinishingGames.Plan plan = plans.get(i);
                games.add(pool.submit(() -> play(roomId, plan)));
            }
            List<Played> played = new ArrayList<>();
            for (Future<Played> f : games) {
                played.add(f.get());
            }
            for (Played game : played) {
                JsonNode json = await().atMost(TIMEOUT)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> getJson("/games/" + game.roomId(), 200), n -> n != null);
                List<String> archivedUci = new ArrayList<>();
                json.get("moves").forEach(m -> archivedUci.add(m.get("uci").asText()));
                assertThat(archivedUci).as("moves of %s", game.roomId()).isEqualTo(game.uci());
                json.get("moves")
                        .forEach(m -> assertThat(m.get("serverTimeMs").asLong()).isPositive());
                assertThat(json.get("result").asText()).isEqualTo(game.result());
                assertThat(json.get("gameType").asText()).isEqualTo("CHESS");
                assertThat(json.get("endedMs").asLong())
                        .isGreaterThanOrEqualTo(json.get("startedMs").asLong());

                HttpResponse<String> pgn = get("/games/" + game.roomId() + "?format=pgn");
                assertThat(pgn.statusCode()).isEqualTo(200);
                PgnGame back = new PgnReader(new StringReader(pgn.body())).next();
                assertThat(back.sanMoves()).isEqualTo(game.san());
                assertThat(back.result()).isEqualTo(game.result());
                assertThat(List.copyOf(back.tags().keySet()).subList(0, 7)).isEqualTo(PgnWriter.SEVEN_TAG_ROSTER);
                assertThat(back.tag("White")).isEqualTo(game.white());
                assertThat(back.tag("Black")).isEqualTo(game.black());

                JsonNode mine = getJson("/games?participant=" + game.white() + "&limit=5", 200);
                assertThat(mine.get("games").get(0).get("roomId").asText()).isEqualTo(game.roomId());
            }
            // Every finished room left the cluster once archived.
            await().atMost(TIMEOUT).until(() -> adminBacklog() == 0);

            // The load tester takes its games from the archive and plays them again in new rooms.
            Played first = played.get(0);
            Path base = Path.of("target", "archive-play-pgn-" + RUN);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            int code = LoadtestMain.run(
                    out,
                    out,
                    "play-pgn",
                    "--from-archive",
                    cluster.http(0, "/games?participant=" + first.white() + "&limit=5")
                            .toString(),
                    "--spectators",
                    "0",
                    "--pace",
                    "0",
                    "--target",
                    cluster.websocket(0).toString(),
                    "--room-prefix",
                    "again-" + RUN,
                    "--report",
                    base.toString());
            assertThat(code).as(bytes.toString(StandardCharsets.UTF_8)).isZero();
            JsonNode report = JSON.readTree(Path.of(base + ".json").toFile());
            assertThat(report.path("movesSeenByAll").asInt())
                    .isEqualTo(first.uci().size());
        } finally {
            pool.shutdownNow();
        }

        // Bad input: clear 4xx JSON errors.
        assertThat(getJson("/games/bad%20id", 400).get("error").asText()).contains("room_id");
        assertThat(getJson("/games?participant=x&limit=0", 400).get("error").asText())
                .contains("limit");
        assertThat(getJson("/games?participant=x&limit=101", 400).get("error").asText())
                .contains("limit");
        assertThat(getJson("/games?participant=x&limit=ten", 400).get("error").asText())
                .contains("limit");
        assertThat(getJson("/games", 400).get("error").asText()).contains("participant");
        assertThat(getJson("/games?participant=nobody-" + RUN, 404).get("error").asText())
                .contains("no archived games");
        assertThat(getJson("/games/never-played-" + RUN, 404).get("error").asText())
                .contains("no archived game");
        assertThat(getJson("/games/arch-" + RUN + "-0?format=xml", 400)
                        .get("error")
                        .asText())
                .contains("format");
    }

    @Test
    void anIdleRoomIsUnloadedAndTheNextJoinLoadsItAgain() throws Exception {
        String roomId = "idle-" + RUN;
        double unloadedBefore = nodesTotal("roomgate_node_rooms_unloaded_total", "reason", "idle");
        double loadedBefore = nodesTotal("roomgate_node_rooms_loaded_total");
        try (RoomgateClient white = connect();
                RoomgateClient black = connect()) {
            white.request(ChessMessages.join(roomId, Role.PLAYER, Side.WHITE), TIMEOUT);
            black.request(ChessMessages.join(roomId, Role.PLAYER, Side.BLACK), TIMEOUT);
            assertThat(white.request(ChessMessages.move(roomId, "e2e4"), TIMEOUT)
                            .hasEvent())
                    .isTrue();
            assertThat(black.request(ChessMessages.move(roomId, "e7e5"), TIMEOUT)
                            .hasEvent())
                    .isTrue();
            leave(white, roomId);
            leave(black, roomId);
        }
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> nodesTotal("roomgate_node_rooms_unloaded_total", "reason", "idle") > unloadedBefore);
        try (RoomgateClient late = connect()) {
            ServerMessage answer =
                    late.request(ChessMessages.join(roomId, Role.SPECTATOR, Side.SIDE_UNSPECIFIED), TIMEOUT);
            assertThat(answer.hasJoined()).as("%s", answer).isTrue();
            assertThat(answer.getJoined().getState().getChess().getUciMovesList())
                    .containsExactly("e2e4", "e7e5");
            assertThat(answer.getJoined().getFinished()).isFalse();
        }
        assertThat(nodesTotal("roomgate_node_rooms_loaded_total"))
                .as("loaded again")
                .isGreaterThan(loadedBefore + 1);
    }

    private Played play(String roomId, FinishingGames.Plan plan) throws Exception {
        try (RoomgateClient white = connect();
                RoomgateClient black = connect()) {
            Joined w = white.request(ChessMessages.join(roomId, Role.PLAYER, Side.WHITE), TIMEOUT)
                    .getJoined();
            Joined b = black.request(ChessMessages.join(roomId, Role.PLAYER, Side.BLACK), TIMEOUT)
                    .getJoined();
            RoomgateClient[] players = {white, black};
            List<String> uci = new ArrayList<>();
            List<String> san = new ArrayList<>();
            GameStatus status = GameStatus.ONGOING;
            for (int ply = 0; ply < plan.uci().size(); ply++) {
                ServerMessage answer = players[ply % 2].request(
                        ChessMessages.move(roomId, plan.uci().get(ply)), TIMEOUT);
                assertThat(answer.hasEvent())
                        .as("ply %d of %s: %s", ply, roomId, answer)
                        .isTrue();
                uci.add(answer.getEvent().getMoveMade().getUci());
                san.add(answer.getEvent().getMoveMade().getSan());
                status = answer.getEvent().getMoveMade().getStatus();
            }
            String result;
            if (plan.claimDraw()) {
                ServerMessage answer = players[plan.uci().size() % 2].request(
                        ClientMessage.newBuilder()
                                .setClaimDraw(ClaimDraw.newBuilder().setRoomId(roomId))
                                .build(),
                        TIMEOUT);
                assertThat(answer.hasEvent())
                        .as("draw claim in %s: %s", roomId, answer)
                        .isTrue();
                result = "1/2-1/2";
            } else {
                assertThat(status).isNotEqualTo(GameStatus.ONGOING);
                result = status == GameStatus.CHECKMATE ? (plan.uci().size() % 2 == 1 ? "1-0" : "0-1") : "1/2-1/2";
            }
            leave(white, roomId);
            leave(black, roomId);
            // A late spectator, within the finished grace, sees the final state and that it is finished.
            try (RoomgateClient late = connect()) {
                Joined seen = late.request(ChessMessages.join(roomId, Role.SPECTATOR, Side.SIDE_UNSPECIFIED), TIMEOUT)
                        .getJoined();
                assertThat(seen.getFinished()).as("finished flag in %s", roomId).isTrue();
                assertThat(seen.getState().getChess().getUciMovesList()).isEqualTo(uci);
                leave(late, roomId);
            }
            return new Played(roomId, w.getParticipantId(), b.getParticipantId(), uci, san, result);
        }
    }

    private static void leave(RoomgateClient client, String roomId) throws Exception {
        client.request(
                ClientMessage.newBuilder()
                        .setLeave(LeaveRoom.newBuilder().setRoomId(roomId))
                        .build(),
                TIMEOUT);
    }

    private static RoomgateClient connect() throws Exception {
        return RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY);
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(cluster.http(0, pathAndQuery))
                        .timeout(TIMEOUT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON body if the status is {@code expected}, else null (not archived yet, when polling). */
    private static JsonNode getJson(String pathAndQuery, int expected) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != expected) {
            if (expected != 200) {
                throw new AssertionError(pathAndQuery + ": " + response.statusCode() + " " + response.body());
            }
            return null;
        }
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).contains("json"));
        return JSON.readTree(response.body());
    }

    private static long adminBacklog() throws Exception {
        HttpResponse<String> response = HTTP.send(
                cluster.adminRequest(0, "/archive").timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).get("backlog").asLong();
    }

    /** A counter summed over the nodes' scrapes. */
    private static double nodesTotal(String name, String... labels) throws Exception {
        double total = 0;
        for (String node : cluster.nodes().keySet()) {
            total += Metrics.scrape(HTTP, cluster.nodeMetrics(node)).sum(name, labels);
        }
        return total;
    }
}
