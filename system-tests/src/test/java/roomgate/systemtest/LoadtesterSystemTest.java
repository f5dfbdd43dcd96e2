package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import roomgate.chess.ChessGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.loadtest.LoadtestMain;
import roomgate.loadtest.replay.ChessOutcome;
import roomgate.loadtest.replay.ExpectedOutcomes;
import roomgate.loadtest.replay.RecordedTraffic;
import roomgate.protocol.v1.ChessState;
import roomgate.protocol.v1.ClaimDraw;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * The load tester against a real cluster (two nodes with their direct listeners, two gateways,
 * each its own JVM), driven through its command-line entry point: traffic recorded by a gateway
 * replays to the very states it produced; play-pgn plays real games through the gateway and
 * straight to the nodes; a short bench pass produces its figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadtesterSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Path PGN = Path.of("..", "data", "pgn");
    /** Morphy vs. Duke Karl / Count Isouard, Paris 1858: mate on ply 33. */
    private static final List<String> OPERA_GAME = List.of(
            "e4", "e5", "Nf3", "d6", "d4", "Bg4", "dxe5", "Bxf3", "Qxf3", "dxe5", "Bc4", "Nf6", "Qb3", "Qe7", "Nc3",
            "c6", "Bg5", "b5", "Nxb5", "cxb5", "Bxb5+", "Nbd7", "O-O-O", "Rd8", "Rxd7", "Rxd7", "Rd1", "Qe6", "Bxd7+",
            "Nxd7", "Qb8+", "Nxb8", "Rd8#");

    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final Path work = Path.of("target", "loadtester-system-test").toAbsolutePath();
    private final Path recording = work.resolve("recording-" + run + ".rgrec");
    private final List<RoomgateClient> clients = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private LocalCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        Files.createDirectories(work);
        // Gateway 1 records; gateway 2 carries the load tests, with a flood limit a closed loop of few
        // rooms does not reach (a player there moves far more often than 100 times a second).
        cluster = LocalCluster.start(
                "loadtester",
                2,
                2,
                List.of("--ws-port", "0"),
                gateway -> gateway == 0
                        ? List.of("--record-rooms", "glob:rec-" + run + "-*", "--record-file", recording.toString())
                        : List.of("--rate-per-second", "5000", "--rate-burst", "5000"));
    }

    @AfterAll
    void stopCluster() {
        clients.forEach(RoomgateClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private RoomgateClient connect(int gateway) throws Exception {
        RoomgateClient client = RoomgateClient.connect(cluster.websocket(gateway), Encoding.BINARY);
        clients.add(client);
        return client;
    }

    private static ServerMessage join(RoomgateClient client, String room, Role role, Side side) throws Exception {
        return client.request(ChessMessages.join(room, role, side), TIMEOUT);
    }

    private static ServerMessage move(RoomgateClient client, String room, String uci) throws Exception {
        return client.request(ChessMessages.move(room, uci), TIMEOUT);
    }

    private static List<String> uci(List<String> san) {
        ChessGame game = new ChessGame();
        List<String> uci = new ArrayList<>();
        for (String s : san) {
            String u = game.toUci(s);
            game.play(u);
            uci.add(u);
        }
        return uci;
    }

    /** Plays {@code moves} alternately by white and black, each after the previous one was accepted. */
    private static void play(RoomgateClient white, RoomgateClient black, String room, List<String> moves, int firstPly)
            throws Exception {
        for (int i = 0; i < moves.size(); i++) {
            RoomgateClient mover = (firstPly + i) % 2 == 0 ? white : black;
            ServerMessage ack = move(mover, room, moves.get(i));
            assertThat(ack.hasEvent())
                    .as("move %s in %s: %s", moves.get(i), room, ack)
                    .isTrue();
        }
    }

    private record Run(int exitCode, String output, JsonNode report) {}

    private Run cli(String name, String... args) throws Exception {
        Path base = work.resolve(name + "-" + run);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--report", base.toString()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = LoadtestMain.run(out, out, all.toArray(String[]::new));
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        Path report = Path.of(base + ".json");
        assertThat(report).as("report of %s; output:%n%s", name, output).exists();
        assertThat(Path.of(base + ".html")).content().contains("<svg");
        return new Run(code, output, json.readTree(report.toFile()));
    }

    @Test
    @Order(1)
    void recordedRoomsReplayAsCopiesToTheStatesTheRecordingProduced() throws Exception {
        // Room 0: a whole game to mate, watched, with refusals along the way and a chat.
        String opera = "rec-" + run + "-opera";
        RoomgateClient w0 = connect(0);
        RoomgateClient b0 = connect(0);
        RoomgateClient s0 = connect(0);
        join(w0, opera, Role.PLAYER, Side.WHITE);
        join(b0, opera, Role.PLAYER, Side.BLACK);
        join(s0, opera, Role.SPECTATOR, Side.SIDE_UNSPECIFIED);
        List<String> operaUci = uci(OPERA_GAME);
        play(w0, b0, opera, operaUci.subList(0, 10), 0);
        assertThat(move(b0, opera, "e7e5").getError().getCode()).isEqualTo(ErrorCode.NOT_YOUR_TURN);
        assertThat(move(w0, opera, "e1e5").getError().getCode()).isEqualTo(ErrorCode.ILLEGAL_MOVE);
        assertThat(move(s0, opera, "f1c4").getError().getCode()).isEqualTo(ErrorCode.SPECTATOR_CANNOT_MOVE);
        s0.request(
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(opera).setText("nice"))
                        .build(),
                TIMEOUT);
        play(w0, b0, opera, operaUci.subList(10, operaUci.size()), 10);
        assertThat(move(b0, opera, "e8e7").getError().getCode()).isEqualTo(ErrorCode.GAME_OVER);

        // Room 1: black leaves mid-game, a newcomer takes the free seat and the game goes on.
        String swap = "rec-" + run + "-swap";
        List<String> real =
                uci(PgnReader.readAll(PGN.resolve("WorldChamp1886.pgn")).get(0).sanMoves());
        RoomgateClient w1 = connect(0);
        RoomgateClient b1 = connect(0);
        join(w1, swap, Role.PLAYER, Side.WHITE);
        join(b1, swap, Role.PLAYER, Side.BLACK);
        play(w1, b1, swap, real.subList(0, 12), 0);
        assertThat(b1.request(
                                ClientMessage.newBuilder()
                                        .setLeave(LeaveRoom.newBuilder().setRoomId(swap))
                                        .build(),
                                TIMEOUT)
                        .hasLeft())
                .isTrue();
        RoomgateClient late = connect(0);
        assertThat(join(late, swap, Role.PLAYER, Side.SIDE_UNSPECIFIED)
                        .getJoined()
                        .getSeatValue())
                .isEqualTo(2);
        play(w1, late, swap, real.subList(12, 18), 12);

        // Room 2: a draw by repetition, claimed (FIDE: threefold is a claim), then a player hangs up.
        String draw = "rec-" + run + "-draw";
        RoomgateClient w2 = connect(0);
        RoomgateClient b2 = connect(0);
        join(w2, draw, Role.PLAYER, Side.SIDE_UNSPECIFIED);
        join(b2, draw, Role.PLAYER, Side.SIDE_UNSPECIFIED);
        play(w2, b2, draw, List.of("g1f3", "g8f6", "f3g1", "f6g8", "g1f3", "g8f6", "f3g1", "f6g8"), 0);
        ServerMessage claimed = w2.request(
                ClientMessage.newBuilder()
                        .setClaimDraw(ClaimDraw.newBuilder().setRoomId(draw))
                        .build(),
                TIMEOUT);
        assertThat(claimed.getEvent().getDrawClaimed().getStatus().name()).isEqualTo("DRAW_THREEFOLD_REPETITION");
        b2.close();

        // What the rooms really ended as, asked through the other gateway (which records nothing).
        Map<String, ChessOutcome> actual = new LinkedHashMap<>();
        for (String room : List.of(opera, swap, draw)) {
            RoomgateClient observer = connect(1);
            ChessState chess = join(observer, room, Role.SPECTATOR, Side.SIDE_UNSPECIFIED)
                    .getJoined()
                    .getState()
                    .getChess();
            actual.put(
                    room,
                    new ChessOutcome(
                            chess.getUciMovesList(),
                            chess.getFen(),
                            chess.getStatus().name(),
                            chess.getWinner().name()));
        }
        assertThat(actual.get(opera).status()).isEqualTo("CHECKMATE");
        assertThat(actual.get(draw).status()).isEqualTo("DRAW_THREEFOLD_REPETITION");
        assertThat(actual.get(swap).uciMoves()).hasSize(18);

        // Stopping the recording gateway finishes the file (end record with counts).
        cluster.gateway(0).close();
        RecordedTraffic traffic = RecordedTraffic.read(List.of(recording));
        assertThat(traffic.warnings()).isEmpty();
        assertThat(traffic.rooms()).containsExactly(opera, swap, draw);
        // The recorded requests imply exactly the states the rooms reached.
        assertThat(ExpectedOutcomes.derive(traffic)).isEqualTo(actual);

        // A generous wait for each room's previous answer: on a loaded machine an answer can take seconds,
        // and a request sent without it could overtake it and make the copy diverge.
        Run replay = cli(
                "replay",
                "replay",
                recording.toString(),
                "--copies",
                "2",
                "--speed",
                "3",
                "--causal-wait-ms",
                "30000",
                "--target",
                cluster.websocket(1).toString());
        assertThat(replay.exitCode()).as(replay.output()).isZero();
        JsonNode r = replay.report();
        // required(), not path(), where the figure must be 0: a field the report lacks would read 0 too.
        assertThat(r.path("chessRoomCopiesMatched").asInt()).isEqualTo(6);
        assertThat(r.required("chessRoomCopiesMismatched").asInt()).isZero();
        assertThat(r.required("requestsSentAfterCausalWaitTimedOut").asInt()).isZero();
        assertThat(r.path("clients").asInt()).isEqualTo(2 * 8);
        // Every move sent, refused ones included, as recorded: 33 + 18 + 8 accepted, 4 refused, per copy.
        assertThat(r.path("movesSent").asInt()).isEqualTo(2 * (33 + 18 + 8 + 4));
        assertThat(r.path("movesSeenByAll").asInt()).isEqualTo(2 * (33 + 18 + 8));
        assertThat(r.path("errors").path("NOT_YOUR_TURN").asInt()).isEqualTo(2);
        assertThat(r.path("errors").path("GAME_OVER").asInt()).isEqualTo(2);
        assertThat(r.path("latency").path("moves").path("count").asInt()).isEqualTo(2 * (33 + 18 + 8));
        assertThat(r.path("latency").path("moves").path("p50Ms").asDouble()).isPositive();
    }

    @Test
    @Order(2)
    void playPgnPlaysRealGamesAndEveryParticipantSeesEveryMove() throws Exception {
        Path file = PGN.resolve("WorldChamp1886.pgn");
        int plies = PgnReader.readAll(file).subList(0, 3).stream()
                .mapToInt(g -> g.sanMoves().size())
                .sum();

        Run viaGateway = cli(
                "play-pgn-gateway",
                "play-pgn",
                file.toString(),
                "--games",
                "3",
                "--spectators",
                "2",
                "--pace",
                "5",
                "--target",
                cluster.websocket(1).toString(),
                "--room-prefix",
                "pgn-gw-" + run);
        assertThat(viaGateway.exitCode()).as(viaGateway.output()).isZero();
        assertThat(viaGateway.report().path("participantsVerified").asInt()).isEqualTo(3 * 4);
        assertThat(viaGateway.report().path("movesSeenByAll").asInt()).isEqualTo(plies);
        assertThat(viaGateway.report().required("errors").size()).isZero();

        // The same straight to the nodes' own listeners: the benchmark's floor speaks the same protocol.
        String direct = "direct:" + cluster.directWebSocket("node-1") + "," + cluster.directWebSocket("node-2");
        Run viaNodes = cli(
                "play-pgn-direct",
                "play-pgn",
                file.toString(),
                "--games",
                "3",
                "--spectators",
                "1",
                "--pace",
                "0",
                "--target",
                direct,
                "--room-prefix",
                "pgn-direct-" + run,
                "--encoding",
                "JSON");
        assertThat(viaNodes.exitCode()).as(viaNodes.output()).isZero();
        assertThat(viaNodes.report().path("participantsVerified").asInt()).isEqualTo(3 * 3);
        assertThat(viaNodes.report().path("movesSeenByAll").asInt()).isEqualTo(plies);
    }

    @Test
    @Order(3)
    void aShortBenchPassMeasuresThroughputLatencyCpuAndMemory() throws Exception {
        String pid = Long.toString(cluster.gateway(1).pid());
        Run bench = cli(
                "bench",
                "bench",
                "--name",
                "roomgate",
                "--target",
                cluster.websocket(1).toString(),
                "--pgn",
                PGN.resolve("tatamast22.pgn").toString(),
                "--rooms",
                "4",
                "--clients",
                "12",
                "--rates",
                "40",
                "--warmup-seconds",
                "1",
                "--window-seconds",
                "2",
                "--fanout-spectators",
                "6",
                "--idle-connections",
                "50",
                "--routing-pids",
                pid,
                "--heap-pids",
                pid);
        assertThat(bench.exitCode()).as(bench.output()).isZero();
        JsonNode phases = bench.report().path("phases");
        JsonNode open = phases.path("open-40");
        // On a busy machine a window can catch a stall or the burst after one: the rate is only roughly 40.
        assertThat(open.path("movesPerSecond").asDouble())
                .as("open-loop at 40 moves/s: %s", open)
                .isBetween(10.0, 80.0);
        assertThat(open.path("latency").path("count").asInt()).isPositive();
        assertThat(open.path("routingCpuMicrosPerMessage").asDouble()).isPositive();
        assertThat(phases.path("closed").path("movesPerSecond").asDouble())
                .isGreaterThan(open.path("movesPerSecond").asDouble());
        assertThat(phases.path("fanout-6").path("deliveriesPerSecond").asDouble())
                .isPositive();
        assertThat(bench.report().path("idle").path("heapBytesPerConnection").isNumber())
                .isTrue();
        assertThat(bench.report().path("idle").path("rssBytesPerConnection").isNumber())
                .isTrue();
    }
}
