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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import roomgate.chess.ChessGame;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.admin.v1.NodeList;
import roomgate.protocol.admin.v1.NodeStatus;
import roomgate.protocol.admin.v1.RoomInfo;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * Live chess games for fault tests: real games (tatamast22) played by real clients through a
 * {@link LocalCluster}, with the checks that every acknowledged move survived. Shared by the fault
 * tests and the churn soak.
 */
final class GameFixture implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final int PLIES_AFTER = 2;
    private static final Duration KEEP_PLAYING_ROUND = Duration.ofMillis(500);
    /** Spectators joining at once in {@link #spectateFor}: one slow answer must not pause the probing. */
    private static final int PROBERS = 8;
    /** Plain HTTP/1.1: the admin API does not speak HTTP/2, so skip the h2c upgrade attempt. */
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final LocalCluster cluster;
    private final List<RoomgateClient> clients = Collections.synchronizedList(new ArrayList<>());
    /** One thread per room in play, so that every room tries at once and timings are the system's, not the test's. */
    private final ExecutorService pool = Executors.newCachedThreadPool();

    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final List<List<String>> plans = new ArrayList<>();

    GameFixture(LocalCluster cluster) throws Exception {
        this.cluster = cluster;
        for (PgnGame game : PgnReader.readAll(Path.of("..", "data", "pgn", "tatamast22.pgn"))) {
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

    /** The games' moves (UCI), one list per game of the collection. */
    List<List<String>> plans() {
        return List.copyOf(plans);
    }

    <T> Future<T> submit(java.util.concurrent.Callable<T> task) {
        return pool.submit(task);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        clients.forEach(RoomgateClient::close);
    }

    // ------------------------------------------------------------------ traffic

    List<LiveGame> createGames(String prefix, int count, String onNode) throws Exception {
        return createGames(prefix, count, onNode, 0);
    }

    /** Rooms with two players (black on {@code blackGateway}); on {@code onNode} if given, by hash. */
    List<LiveGame> createGames(String prefix, int count, String onNode, int blackGateway) throws Exception {
        NodeView view = hashView();
        List<String> roomIds = new ArrayList<>();
        for (int i = 0; roomIds.size() < count; i++) {
            if (i == 100_000 * count) {
                // Bounded: a node not placeable now (an earlier fault left it out) would spin here forever.
                throw new IllegalStateException("no room hashes to node " + onNode + ": is it in the node list?");
            }
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

    void playAll(List<LiveGame> games, int plies, Duration timeout) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LiveGame game : games) {
            done.add(pool.submit(() -> {
                while (game.acked().size() < plies) {
                    assertThat(game.playNext(Duration.ofSeconds(2), deadline))
                            .as("move in %s", game.roomId)
                            .isTrue();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** Moves in every room, one room after another, until told to stop. */
    /**
     * Plays the games round-robin, a round at most every {@code KEEP_PLAYING_ROUND}, until
     * {@code traffic} is cleared. The pace makes a game last through the faults it is meant to see
     * (unpaced, 40 games ran out of moves within one soak cycle, before its drain and kill). Each
     * game's last PLIES_AFTER moves are kept for {@link #playAfterFault}: a room with no moves left
     * could not show that it is playable again.
     */
    Void keepPlaying(List<LiveGame> games, AtomicBoolean traffic) throws InterruptedException {
        while (traffic.get()) {
            long roundStart = System.nanoTime();
            for (LiveGame game : games) {
                if (!traffic.get()) {
                    break;
                }
                if (game.hasMoreThan(PLIES_AFTER)) {
                    assertThat(game.playNext(Duration.ofSeconds(2), System.nanoTime() + TIMEOUT.toNanos()))
                            .isTrue();
                }
            }
            // Short naps: a fault's figures start when the traffic stops, so stop as soon as told.
            while (traffic.get() && System.nanoTime() - roundStart < KEEP_PLAYING_ROUND.toNanos()) {
                Thread.sleep(10);
            }
        }
        return null;
    }

    /** Plays PLIES_AFTER more moves in every room; returns the ms until the slowest room moved again. */
    long playAfterFault(List<LiveGame> games, long faultNanos) throws Exception {
        return playAfterFault(games, faultNanos, Set.of(), "");
    }

    /**
     * As {@link #playAfterFault(List, long)}, and prints the spread of the rooms in {@code apart}
     * (named {@code apartAs}) and of the others separately.
     */
    long playAfterFault(List<LiveGame> games, long faultNanos, Set<String> apart, String apartAs) throws Exception {
        Map<LiveGame, Long> firstMove = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        for (LiveGame game : games) {
            int target = game.targetAfter(PLIES_AFTER);
            done.add(pool.submit(() -> {
                while (game.acked().size() < target) {
                    assertThat(game.playNext(Duration.ofSeconds(2), deadline))
                            .as("move in %s after the fault; last try: %s", game.roomId, game.lastProblem())
                            .isTrue();
                    firstMove.putIfAbsent(game, System.nanoTime());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        // The spread says whether a slow figure is a few stragglers or every room.
        long max = printSpread("first move after the fault", firstMove, faultNanos, g -> true);
        if (!apart.isEmpty()) {
            printSpread("  of them, rooms " + apartAs, firstMove, faultNanos, g -> apart.contains(g.roomId));
            printSpread("  the other rooms", firstMove, faultNanos, g -> !apart.contains(g.roomId));
        }
        return max;
    }

    /** Prints p50, p90 and max of the chosen rooms' first move after the fault; returns the max (0 if none). */
    private static long printSpread(
            String what, Map<LiveGame, Long> firstMove, long faultNanos, Predicate<LiveGame> chosen) {
        long[] ms = firstMove.entrySet().stream()
                .filter(e -> chosen.test(e.getKey()))
                .mapToLong(e -> (e.getValue() - faultNanos) / 1_000_000)
                .sorted()
                .toArray();
        if (ms.length == 0) {
            return 0;
        }
        System.out.printf(
                "%s, %d rooms: p50 %d ms, p90 %d ms, max %d ms%n",
                what, ms.length, ms[ms.length / 2], ms[ms.length * 9 / 10], ms[ms.length - 1]);
        return ms[ms.length - 1];
    }

    // ------------------------------------------------------------------ checks

    /** Starts watching which nodes hold these games' rooms, and the writes refused, until {@link #checkFencing}. */
    FenceWatch watchFencing(List<LiveGame> games) throws Exception {
        return new FenceWatch(cluster, games.stream().map(g -> g.roomId).collect(Collectors.toSet()));
    }

    /** Stops {@code fence}, prints what it saw, and fails if two nodes ever held one room at one epoch. */
    void checkFencing(FenceWatch fence, String fault) throws Exception {
        fence.close();
        System.out.printf("%s: %s%n", fault, fence.summary());
        assertThat(fence.failure()).as("%s: the watch itself failed", fault).isNull();
        assertThat(fence.seen())
                .as("%s: rooms seen held by a node (GET /rooms)", fault)
                .hasSize(fence.watched());
        assertThat(fence.duplicates())
                .as("%s: rooms two nodes held at one epoch", fault)
                .isEmpty();
    }

    /**
     * Every acknowledged move, once and in order, in both players' views and in the room's state (as
     * a newly joining spectator receives it); gap-free sequences; one owner per room.
     */
    void verify(List<LiveGame> games, String fault) throws Exception {
        // Soft: the figures below are printed, and so visible, when a check fails too.
        SoftAssertions softly = new SoftAssertions();
        int lost = 0;
        int duplicated = 0;
        for (LiveGame game : games) {
            boolean seenAsAcked = true;
            for (RoomgateClient player : List.of(game.white(), game.black())) {
                await().atMost(TIMEOUT)
                        .until(() ->
                                game.seenMoves(player).size() >= game.acked().size());
                List<String> seen = game.seenMoves(player);
                seenAsAcked &= seen.equals(game.acked());
                softly.assertThat(seen)
                        .as("%s: moves seen by a player in %s", fault, game.roomId)
                        .isEqualTo(game.acked());
                // Each event follows the one before, or the state of a join in between (a player told
                // its room was lost joins again: the events it missed meanwhile are in that state).
                long expected = 0;
                for (ServerMessage m : player.received()) {
                    if (m.hasJoined() && m.getJoined().getRoomId().equals(game.roomId)) {
                        expected = m.getJoined().getLastSequence() + 1;
                    } else if (m.hasEvent() && m.getEvent().getRoomId().equals(game.roomId)) {
                        long sequence = m.getEvent().getSequence();
                        if (expected != 0) {
                            softly.assertThat(sequence)
                                    .as("%s: sequence after %d in %s", fault, expected - 1, game.roomId)
                                    .isEqualTo(expected);
                        }
                        expected = sequence + 1;
                    }
                }
            }
            duplicated += seenAsAcked ? 0 : 1;
            Joined state = spectate(game);
            List<String> stored = state.getState().getChess().getUciMovesList();
            lost += (int) game.acked().stream().filter(m -> !stored.contains(m)).count();
            softly.assertThat(stored)
                    .as("%s: room state of %s", fault, game.roomId)
                    .isEqualTo(game.acked());
            RoomInfo info = room(game.roomId);
            softly.assertThat(info.getOwnerNodeId())
                    .as("%s: the owner a joiner meets is the directory's", fault)
                    .isEqualTo(state.getOwnerNodeId());
        }
        System.out.printf(
                "%s: acknowledged moves lost %d, rooms with duplicated or reordered moves %d%n",
                fault, lost, duplicated);
        softly.assertAll();
    }

    /**
     * For {@code period}, new spectators join the games, {@code PROBERS} at a time (a new connection
     * each); each must be answered with the room's state as acknowledged. Returns how many joined.
     */
    int spectateFor(List<LiveGame> games, Duration period) throws Exception {
        long until = System.nanoTime() + period.toNanos();
        AtomicInteger joined = new AtomicInteger();
        List<Future<?>> probers = new ArrayList<>();
        for (int p = 0; p < PROBERS; p++) {
            int first = p;
            probers.add(pool.submit(() -> {
                for (int i = first; System.nanoTime() < until; i += PROBERS) {
                    LiveGame game = games.get(i % games.size());
                    assertThat(spectate(game).getState().getChess().getUciMovesList())
                            .as("state a spectator is given in %s", game.roomId)
                            .isEqualTo(game.acked());
                    joined.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> prober : probers) {
            prober.get();
        }
        assertThat(joined.get()).as("spectators that joined in %s", period).isPositive();
        return joined.get();
    }

    Joined spectate(LiveGame game) throws Exception {
        RoomgateClient watcher = connect(0, Encoding.BINARY);
        ServerMessage reply =
                watcher.request(ChessMessages.join(game.roomId, Role.SPECTATOR, Side.SIDE_UNSPECIFIED), TIMEOUT);
        assertThat(reply.hasJoined())
                .as("spectator join of %s: %s", game.roomId, reply)
                .isTrue();
        watcher.close();
        clients.remove(watcher);
        return reply.getJoined();
    }

    Map<String, String> owners(List<LiveGame> games) {
        Map<String, String> owners = new HashMap<>();
        for (LiveGame game : games) {
            owners.put(game.roomId, ownerOf(game));
        }
        return owners;
    }

    String ownerOf(LiveGame game) {
        try {
            return room(game.roomId).getOwnerNodeId();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ plumbing

    RoomgateClient connect(int gateway, Encoding encoding) throws Exception {
        RoomgateClient client = RoomgateClient.connect(cluster.websocket(gateway), encoding);
        clients.add(client);
        return client;
    }

    static void join(RoomgateClient client, String roomId, Side side) throws Exception {
        ServerMessage reply = client.request(ChessMessages.join(roomId, Role.PLAYER, side), TIMEOUT);
        assertThat(reply.hasJoined()).as("join %s: %s", roomId, reply).isTrue();
    }

    /** The placement the gateways use, rebuilt from the admin API's node list, to aim rooms at a node. */
    NodeView hashView() throws Exception {
        List<NodeInfo> nodes = new ArrayList<>();
        NodeList list = nodes();
        for (roomgate.protocol.admin.v1.NodeStatus n : list.getNodesList()) {
            nodes.add(new NodeInfo(n.getNodeId(), "127.0.0.1", 1, n.getPid(), UUID.randomUUID()));
        }
        java.util.Set<String> draining = new java.util.HashSet<>();
        list.getNodesList().stream()
                .filter(n -> n.getState() == roomgate.protocol.admin.v1.NodeState.DRAINING)
                .forEach(n -> draining.add(n.getNodeId()));
        return NodeView.of(1, nodes, draining);
    }

    /** The live nodes as gateway 0's admin API lists them (ids, pids, states). */
    NodeList nodes() throws Exception {
        return get(cluster.adminRequest(0, "/nodes").build(), NodeList.newBuilder());
    }

    RoomInfo room(String roomId) throws Exception {
        return get(cluster.adminRequest(0, "/rooms/" + roomId).build(), RoomInfo.newBuilder());
    }

    /** Waits until every room record has its backup again: losing a node before that may lose records. */
    void awaitClusterSafe() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    return nodes().getClusterSafe();
                });
    }

    /** The node's status as gateway 0 lists it; fails if it is not listed (an empty status would read 0 rooms). */
    NodeStatus nodeStatus(String nodeId) throws Exception {
        NodeList nodes = nodes();
        return nodes.getNodesList().stream()
                .filter(n -> n.getNodeId().equals(nodeId))
                .findFirst()
                .orElseThrow(() -> new AssertionError(nodeId + " is not in GET /nodes: "
                        + nodes.getNodesList().stream()
                                .map(NodeStatus::getNodeId)
                                .toList()));
    }

    static <T extends Message> T get(URI uri, Message.Builder builder) throws Exception {
        return get(HttpRequest.newBuilder(uri).build(), builder);
    }

    @SuppressWarnings("unchecked")
    static <T extends Message> T get(HttpRequest request, Message.Builder builder) throws Exception {
        HttpResponse<String> response = http(request);
        assertThat(response.statusCode())
                .as("GET %s: %s", request.uri(), response.body())
                .isEqualTo(200);
        JsonFormat.parser().merge(response.body(), builder);
        return (T) builder.build();
    }

    static HttpResponse<String> http(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
