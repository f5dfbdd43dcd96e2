package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import roomgate.chess.ChessGame;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.cluster.NodeInfo;
import roomgate.cluster.NodeView;
import roomgate.protocol.admin.v1.GatewayHealth;
import roomgate.protocol.admin.v1.NodeList;
import roomgate.protocol.admin.v1.NodeStatus;
import roomgate.protocol.admin.v1.RoomInfo;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * Operators add, drain and lose nodes while games go on; a gateway is lost. Real JVMs, real
 * clients, live games during every fault. After each: every acknowledged move is in every
 * participant's view and in the room's state, exactly once and in order; one owner per room; every
 * client still seated. Each test prints its figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int ROOMS_PER_FAULT = 200;
    private static final int PLIES_BEFORE = 4;
    private static final int PLIES_AFTER = 2;

    /** Plain HTTP/1.1: the admin API does not speak HTTP/2, so skip the h2c upgrade attempt. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LocalCluster cluster;
    private final List<RoomgateClient> clients = Collections.synchronizedList(new ArrayList<>());
    /** One thread per room in play, so that every room tries at once and timings are the system's, not the test's. */
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private List<List<String>> plans;

    @BeforeAll
    void start() throws Exception {
        cluster = LocalCluster.start("fault-tolerance", 4, 2);
        plans = new ArrayList<>();
        for (PgnGame game : PgnReader.readAll(Path.of("..", "..", "shared", "data", "pgn", "tatamast22.pgn"))) {
            if (game.sanMoves().size() >= 40) {
                ChessGame replay = new ChessGame();
                List<String> uci = new ArrayList<>();
                for (String san : game.sanMoves()) {
                    String u = replay.toUci(san);
                    replay.play(u);
                    uci.add(u);
                }
                plans.add(uci);
            }
        }
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
        clients.forEach(RoomgateClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    // ------------------------------------------------------------------ the faults

    @Test
    @Order(1)
    void addingANodeUnderTrafficMovesNoLiveRoomAndTakesItsShareOfNewOnes() throws Exception {
        List<LiveGame> games = createGames("add", 60, null);
        playAll(games, PLIES_BEFORE, Duration.ofSeconds(10));
        Map<String, String> ownersBefore = owners(games);

        AtomicBoolean traffic = new AtomicBoolean(true);
        Future<?> moves = pool.submit(() -> keepPlaying(games, traffic));
        cluster.addNode("node-5");
        await().atMost(TIMEOUT).until(() -> health().getNodesList().size() == 5);
        Thread.sleep(1_000);
        traffic.set(false);
        moves.get();

        assertThat(owners(games)).as("live rooms stay where they are").isEqualTo(ownersBefore);
        List<LiveGame> fresh = createGames("add-new", 100, null);
        long onNew = fresh.stream().filter(g -> ownerOf(g).equals("node-5")).count();
        verify(games, "add node-5");
        System.out.printf("add node-5 under traffic: live rooms moved 0 of %d; new rooms on node-5: %d of %d (fair share 20)%n",
                games.size(), onNew, fresh.size());
        assertThat(onNew).isBetween(8L, 35L);
    }

    @Test
    @Order(2)
    void drainingANodeMovesItsLiveRoomsWhileTheirClientsStayConnected() throws Exception {
        List<LiveGame> games = createGames("drain", ROOMS_PER_FAULT, "node-2");
        playAll(games, PLIES_BEFORE, Duration.ofSeconds(20));

        AtomicBoolean traffic = new AtomicBoolean(true);
        Future<?> moves = pool.submit(() -> keepPlaying(games, traffic));
        long begin = System.nanoTime();
        HttpResponse<String> drain = http(HttpRequest.newBuilder(cluster.admin(0).resolve("/nodes/node-2/drain"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(drain.statusCode()).isEqualTo(202);
        // The node publishes its status every second: this figure is within a second of the real one.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> nodeStatus("node-2").getRooms() == 0);
        long drainedMs = (System.nanoTime() - begin) / 1_000_000;
        assertThat(owners(games).values()).doesNotContain("node-2");
        traffic.set(false);
        moves.get();
        long recovery = playAfterFault(games, System.nanoTime());

        long connected = games.stream().filter(g -> g.white().isOpen() && g.black().isOpen()).count();
        long noticed = games.stream().filter(g -> g.white().received().stream().anyMatch(ServerMessage::hasRoomMoved)).count();
        verify(games, "drain node-2");
        System.out.printf("drain node-2: rooms %d, moved %d, clients still connected in %d rooms, RoomMoved seen in %d,"
                + " node-2 reported 0 rooms %d ms after the command, next move after it within %d ms%n",
                games.size(), games.stream().filter(g -> !ownerOf(g).equals("node-2")).count(), connected, noticed,
                drainedMs, recovery);
        assertThat(connected).isEqualTo(games.size());
        assertThat(noticed).isEqualTo(games.size());
    }

    @Test
    @Order(3)
    void aKilledNodesRoomsAreTakenOverWithEveryAcknowledgedMove() throws Exception {
        List<LiveGame> games = createGames("kill", ROOMS_PER_FAULT, "node-3");
        playAll(games, PLIES_BEFORE, Duration.ofSeconds(20));

        long killedAt = System.nanoTime();
        cluster.nodes().get("node-3").kill();
        long recovery = playAfterFault(games, killedAt);

        verify(games, "kill -9 node-3");
        System.out.printf("kill -9 node-3: rooms affected %d, recovered %d, every room playable again within %d ms%n",
                games.size(), games.stream().filter(g -> !ownerOf(g).equals("node-3")).count(), recovery);
    }

    @Test
    @Order(4)
    void aHungNodeIsReplacedAndCannotWriteWhenItComesBack() throws Exception {
        List<LiveGame> games = createGames("stop", 60, "node-4");
        playAll(games, PLIES_BEFORE, Duration.ofSeconds(20));

        ServiceProcess node4 = cluster.nodes().get("node-4");
        long stoppedAt = System.nanoTime();
        node4.pause(true);
        long recovery = playAfterFault(games, stoppedAt);
        node4.pause(false);
        // Let it find out it was replaced, and try whatever it still had queued.
        Thread.sleep(8_000);
        playAll(games, PLIES_BEFORE + PLIES_AFTER + 1, Duration.ofSeconds(20));

        Map<String, String> owners = owners(games);
        verify(games, "SIGSTOP node-4");
        System.out.printf("SIGSTOP node-4 past the 5 s heartbeat timeout, then SIGCONT: rooms %d, playable again within %d ms,"
                + " rooms owned by node-4 after it resumed: %d%n",
                games.size(), recovery, owners.values().stream().filter("node-4"::equals).count());
        assertThat(owners.values()).doesNotContain("node-4");
    }

    @Test
    @Order(5)
    void clientsOfALostGatewayResumeTheirSeatsOnAnother() throws Exception {
        int doomed = cluster.addGateway("gw-doomed");
        List<LiveGame> games = createGames("resume", 20, null, doomed);
        playAll(games, 2, Duration.ofSeconds(10));
        Map<LiveGame, String> tokens = new HashMap<>();
        Map<LiveGame, Long> lastSeen = new HashMap<>();
        for (LiveGame game : games) {
            await().atMost(TIMEOUT).until(() -> game.seenMoves(game.black()).size() == 2);
            tokens.put(game, game.black().received().stream().filter(ServerMessage::hasSessionStarted).findFirst()
                    .orElseThrow().getSessionStarted().getResumeToken());
            List<RoomEvent> events = game.events(game.black());
            lastSeen.put(game, events.get(events.size() - 1).getSequence());
        }

        cluster.gateway(doomed).kill();
        for (LiveGame game : games) {
            game.black().closeFuture().get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            // White moves while black is away: black must receive it on resuming.
            assertThat(game.playNext(Duration.ofSeconds(2), System.nanoTime() + TIMEOUT.toNanos())).isTrue();
        }
        int restarted = cluster.addGateway("gw-restarted");
        int resumedMissed = 0;
        for (int i = 0; i < games.size(); i++) {
            LiveGame game = games.get(i);
            RoomgateClient black = connect(i % 2 == 0 ? 0 : restarted, Encoding.BINARY);
            ServerMessage resumed = black.request(ClientMessage.newBuilder().setResume(Resume.newBuilder()
                    .setResumeToken(tokens.get(game)).putLastSequences(game.roomId, lastSeen.get(game))).build(), TIMEOUT);
            assertThat(resumed.hasResumed()).as("resume answer %s", resumed).isTrue();
            game.replace(1, black);
            await().atMost(TIMEOUT).until(() -> game.seenMoves(black).size() == 1);
            resumedMissed += game.seenMoves(black).size();
            assertThat(game.playNext(Duration.ofSeconds(2), System.nanoTime() + TIMEOUT.toNanos()))
                    .as("black moves again in its seat in %s", game.roomId).isTrue();
        }
        for (LiveGame game : games) {
            Joined view = spectate(game);
            assertThat(view.getState().getChess().getUciMovesList()).isEqualTo(game.acked());
        }
        System.out.printf("gateway lost (kill -9): %d clients resumed (half on another gateway, half on a restarted one),"
                + " %d missed moves delivered on resume, all moved again in their seats%n", games.size(), resumedMissed);
    }

    // ------------------------------------------------------------------ traffic

    private List<LiveGame> createGames(String prefix, int count, String onNode) throws Exception {
        return createGames(prefix, count, onNode, 0);
    }

    /** Rooms with two players (black on {@code blackGateway}); on {@code onNode} if given, by hash. */
    private List<LiveGame> createGames(String prefix, int count, String onNode, int blackGateway) throws Exception {
        NodeView view = hashView();
        List<String> roomIds = new ArrayList<>();
        for (int i = 0; roomIds.size() < count; i++) {
            String roomId = prefix + "-" + run + "-" + i;
            if (onNode == null || view.ownerOf(roomId).nodeId().equals(onNode)) {
                roomIds.add(roomId);
            }
        }
        List<Future<LiveGame>> created = new ArrayList<>();
        for (int i = 0; i < roomIds.size(); i++) {
            String roomId = roomIds.get(i);
            List<String> plan = plans.get(i % plans.size());
            created.add(pool.submit(() -> {
                RoomgateClient white = connect(0, Encoding.BINARY);
                RoomgateClient black = connect(blackGateway == 0 ? 1 : blackGateway, Encoding.BINARY);
                join(white, roomId, Side.WHITE);
                join(black, roomId, Side.BLACK);
                return new LiveGame(roomId, white, black, plan);
            }));
        }
        List<LiveGame> games = new ArrayList<>();
        for (Future<LiveGame> f : created) {
            games.add(f.get());
        }
        if (onNode != null) {
            assertThat(games).allSatisfy(g -> assertThat(ownerOf(g)).isEqualTo(onNode));
        }
        return games;
    }

    private void playAll(List<LiveGame> games, int plies, Duration timeout) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LiveGame game : games) {
            done.add(pool.submit(() -> {
                while (game.acked().size() < plies) {
                    assertThat(game.playNext(Duration.ofSeconds(2), deadline)).as("move in %s", game.roomId).isTrue();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** Moves in every room, one room after another, until told to stop. */
    private Void keepPlaying(List<LiveGame> games, AtomicBoolean traffic) throws InterruptedException {
        while (traffic.get()) {
            for (LiveGame game : games) {
                if (!traffic.get()) {
                    break;
                }
                if (!game.finished()) {
                    assertThat(game.playNext(Duration.ofSeconds(2), System.nanoTime() + TIMEOUT.toNanos())).isTrue();
                }
            }
        }
        return null;
    }

    /** Plays PLIES_AFTER more moves in every room; returns the ms until the slowest room moved again. */
    private long playAfterFault(List<LiveGame> games, long faultNanos) throws Exception {
        Map<LiveGame, Long> firstMove = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        for (LiveGame game : games) {
            int target = game.acked().size() + PLIES_AFTER;
            done.add(pool.submit(() -> {
                while (game.acked().size() < target) {
                    assertThat(game.playNext(Duration.ofSeconds(2), deadline)).as("move in %s after the fault", game.roomId).isTrue();
                    firstMove.putIfAbsent(game, System.nanoTime());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        return firstMove.values().stream().mapToLong(t -> (t - faultNanos) / 1_000_000).max().orElse(0);
    }

    // ------------------------------------------------------------------ checks

    /**
     * Every acknowledged move, once and in order, in both players' views and in the room's state (as
     * a newly joining spectator receives it); gap-free sequences; one owner per room.
     */
    private void verify(List<LiveGame> games, String fault) throws Exception {
        int lost = 0;
        int duplicated = 0;
        for (LiveGame game : games) {
            for (RoomgateClient player : List.of(game.white(), game.black())) {
                await().atMost(TIMEOUT).until(() -> game.seenMoves(player).size() >= game.acked().size());
                List<String> seen = game.seenMoves(player);
                        duplicated += seen.equals(game.acked()) ? 0 : 1;
                assertThat(seen).as("%s: moves seen by a player in %s", fault, game.roomId).isEqualTo(game.acked());
                List<Long> sequences = game.events(player).stream().map(RoomEvent::getSequence).toList();
                for (int i = 1; i < sequences.size(); i++) {
                    assertThat(sequences.get(i)).as("%s: sequence after %d in %s", fault, sequences.get(i - 1), game.roomId)
                            .isEqualTo(sequences.get(i - 1) + 1);
                }
            }
            Joined state = spectate(game);
            List<String> stored = state.getState().getChess().getUciMovesList();
            lost += (int) game.acked().stream().filter(m -> !stored.contains(m)).count();
            assertThat(stored).as("%s: room state of %s", fault, game.roomId).isEqualTo(game.acked());
            RoomInfo info = room(game.roomId);
            assertThat(info.getOwnerNodeId()).as("%s: the owner a joiner meets is the directory's", fault)
                    .isEqualTo(state.getOwnerNodeId());
        }
        System.out.printf("%s: acknowledged moves lost %d, rooms with duplicated or reordered moves %d%n", fault, lost, duplicated);
    }

    private Joined spectate(LiveGame game) throws Exception {
        RoomgateClient watcher = connect(0, Encoding.BINARY);
        ServerMessage reply = watcher.request(ClientMessage.newBuilder().setJoin(JoinRoom.newBuilder()
                .setRoomId(game.roomId).setGameType(GameType.CHESS).setRole(Role.SPECTATOR)).build(), TIMEOUT);
        assertThat(reply.hasJoined()).as("spectator join of %s: %s", game.roomId, reply).isTrue();
        watcher.close();
        clients.remove(watcher);
        return reply.getJoined();
    }

    private Map<String, String> owners(List<LiveGame> games) {
        Map<String, String> owners = new HashMap<>();
        for (LiveGame game : games) {
            owners.put(game.roomId, ownerOf(game));
        }
        return owners;
    }

    private String ownerOf(LiveGame game) {
        try {
            return room(game.roomId).getOwnerNodeId();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ plumbing

    private RoomgateClient connect(int gateway, Encoding encoding) throws Exception {
        RoomgateClient client = RoomgateClient.connect(cluster.websocket(gateway), encoding);
        clients.add(client);
        return client;
    }

    private static void join(RoomgateClient client, String roomId, Side side) throws Exception {
        ServerMessage reply = client.request(ClientMessage.newBuilder().setJoin(JoinRoom.newBuilder()
                .setRoomId(roomId).setGameType(GameType.CHESS).setRole(Role.PLAYER).setSide(side)).build(), TIMEOUT);
        assertThat(reply.hasJoined()).as("join %s: %s", roomId, reply).isTrue();
    }

    /** The placement the gateways use, rebuilt from /health, to aim rooms at a node. */
    private NodeView hashView() throws Exception {
        List<NodeInfo> nodes = new ArrayList<>();
        for (roomgate.protocol.admin.v1.NodeStatus n : health().getNodesList()) {
            nodes.add(new NodeInfo(n.getNodeId(), "127.0.0.1", 1, n.getPid(), UUID.randomUUID()));
        }
        NodeList list = get(cluster.admin(0).resolve("/nodes"), NodeList.newBuilder());
        java.util.Set<String> draining = new java.util.HashSet<>();
        list.getNodesList().stream().filter(n -> n.getState() == roomgate.protocol.admin.v1.NodeState.DRAINING)
                .forEach(n -> draining.add(n.getNodeId()));
        return NodeView.of(1, nodes, draining);
    }

    private GatewayHealth health() throws Exception {
        return get(cluster.health(0), GatewayHealth.newBuilder());
    }

    private RoomInfo room(String roomId) throws Exception {
        return get(cluster.admin(0).resolve("/rooms/" + roomId), RoomInfo.newBuilder());
    }

    private NodeStatus nodeStatus(String nodeId) throws Exception {
        NodeList nodes = get(cluster.admin(0).resolve("/nodes"), NodeList.newBuilder());
        return nodes.getNodesList().stream()
                .filter(n -> n.getNodeId().equals(nodeId)).findFirst().orElse(NodeStatus.getDefaultInstance());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> T get(URI uri, Message.Builder builder) throws Exception {
        HttpResponse<String> response = http(HttpRequest.newBuilder(uri).build());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        JsonFormat.parser().merge(response.body(), builder);
        return (T) builder.build();
    }

    private static HttpResponse<String> http(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
