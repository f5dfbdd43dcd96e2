package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * Real network faults between hosts: five game nodes and two gateways, each in its own network
 * namespace ({@code deploy/netns/hosts.sh --net-only} makes them), real games played through the
 * gateways, and the faults injected inside the namespaces with nftables (and SIGSTOP for
 * comparison; delay and jitter through {@code hosts.sh slow}'s userspace link, the kernel lacking
 * sch_netem). Per fault it prints one table: acknowledged moves lost, rooms two nodes held at one
 * epoch ({@link FenceWatch}, which asks every node, both sides of a cut, for its rooms: the test
 * reaches every host through the root link, which the cuts leave open), the time until every room
 * moved again after the heal, and the move latency (p99, max) of the rooms whose owner the fault
 * does not touch, before and during the fault.
 *
 * <p>Runs with {@code -Pnetfaults} (several minutes; needs root; {@code -Dnetfaults.faults=a,h} runs
 * only those). The faults share one cluster, one
 * after another, each with rooms of its own; at the end no namespace, nft rule or process of the run
 * may be left.
 */
@Tag("netfaults")
// Bounded: each fault, and the start and the teardown, fails rather than hang the run.
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkFaultSystemTest {
    private static final int NODES = 5;
    private static final int GATEWAYS = 2;
    private static final int QUORUM = 3;
    private static final int ROOMS = 20;
    /** One move per room at most this often: a game of 40 plies lasts through a fault's windows. */
    private static final long PACE_MS = 500;

    private static final Duration BEFORE = Duration.ofSeconds(5);
    private static final Duration FAULT = Duration.ofSeconds(10);
    private static final Path RESULTS = Path.of("target", "netfaults-results.md");
    /** -Dnetfaults.faults=h (or a,b,h): only these faults run; default every one. */
    private static final String FAULTS = System.getProperty("netfaults.faults", "");

    private NetnsHosts hosts;
    private LocalCluster cluster;
    private GameFixture fx;
    private final SoftAssertions softly = new SoftAssertions();

    /** Something done to the network or a process, and its undoing. */
    interface Step {
        void run() throws Exception;
    }

    @BeforeAll
    void start() throws Exception {
        assumeTrue(NetnsHosts.available(), "needs root and iproute2 (network namespaces)");
        Path runDir = Path.of(
                        "target",
                        "system-test-logs",
                        "netfaults",
                        "hosts-" + ProcessHandle.current().pid())
                .toAbsolutePath();
        // One host more than the members: the node added in the last fault.
        hosts = NetnsHosts.up(
                runDir,
                List.of("--net-only", "--hosts", Integer.toString(NODES + GATEWAYS + 1)),
                Duration.ofMinutes(2));
        // -Dnetfaults.heartbeatTimeoutSeconds=N measures another failure-detection timeout (default 5 s).
        List<String> common = List.of(
                "--quorum-size",
                Integer.toString(QUORUM),
                "--archive-jdbc-url",
                "none",
                "--heartbeat-timeout-seconds",
                System.getProperty("netfaults.heartbeatTimeoutSeconds", "5"));
        cluster = LocalCluster.start("netfaults", NODES, GATEWAYS, common, g -> common, hosts);
        fx = new GameFixture(cluster);
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, "");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (fx != null) {
                fx.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (hosts != null) {
                hosts.down();
                assertThat(hosts.leftovers()).as("what the suite left behind").isEmpty();
            }
        }
        softly.assertAll();
    }

    // ------------------------------------------------------------------ faults

    @Test
    @Order(1)
    void nodeCutOffCompletelyThenHealed() throws Exception {
        only("a");
        String node = "node-1";
        PlacedAgain placed = new PlacedAgain(node);
        fault(
                "a. node cut off",
                Set.of(node),
                FAULT,
                () -> cut(node, true, true),
                () -> {
                    heal(node);
                    placed.start();
                },
                placed::note);
    }

    @Test
    @Order(2)
    void nodeHungForComparison() throws Exception {
        only("b");
        String node = "node-2";
        ServiceProcess p = cluster.nodes().get(node);
        fault("b. node hung (SIGSTOP)", Set.of(node), () -> p.pause(true), () -> p.pause(false));
    }

    @Test
    @Order(3)
    void nodeThatSendsButDoesNotReceive() throws Exception {
        only("c");
        String node = "node-3";
        fault(
                "c. asymmetric cut (sends, receives nothing)",
                Set.of(node),
                () -> cut(node, true, false),
                () -> heal(node));
    }

    @Test
    @Order(4)
    void gatewaysCutFromANodeThatHazelcastStillSees() throws Exception {
        only("d");
        String node = "node-4";
        String linkPort = cluster.nodes().get(node).readyFields().get("link-port");
        String gateways = gatewayAddresses();
        PlacedAgain placed = new PlacedAgain(node);
        fault(
                "d. links cut, membership up",
                Set.of(node),
                FAULT,
                () -> hosts.nft(
                        host(node),
                        table("chain in { type filter hook input priority 0; ip saddr { " + gateways + " } tcp dport "
                                + linkPort + " drop; }\n"
                                + "chain out { type filter hook output priority 0; ip daddr { "
                                + gateways + " } tcp sport " + linkPort + " drop; }")),
                () -> {
                    heal(node);
                    placed.start();
                },
                placed::note);
        // A gateway's mark of the node ends once a link to it completes its handshake again, not
        // after a fixed retry (10 s before): until then it places the node's new rooms elsewhere and
        // names it unreachable, which lets other nodes take its rooms while it serves them.
        softly.assertThat(placed.millis())
                .as("d: ms from the heal until both gateways place new rooms on %s again", node)
                .isBetween(0L, 8_000L);
    }

    @Test
    @Order(5)
    void lossyLinkOnOneNode() throws Exception {
        only("f");
        // 5% loss each way with nftables' random numbers, no delay (h adds delay and jitter). 20 s.
        String node = "node-5";
        String subnet = subnet();
        fault(
                "f. 5% loss each way on one node (20 s)",
                Set.of(node),
                Duration.ofSeconds(20),
                () -> hosts.nft(
                        host(node),
                        table("chain in { type filter hook input priority 0; ip saddr " + subnet + " ip saddr != "
                                + rootAddress() + " numgen random mod 100 < 5 drop; }\n"
                                + "chain out { type filter hook output priority 0; ip daddr " + subnet
                                + " ip daddr != " + rootAddress() + " numgen random mod 100 < 5 drop; }")),
                () -> heal(node));
    }

    @Test
    @Order(6)
    void splitTwoThreeWithQuorumThree() throws Exception {
        only("e");
        // Minority: node-1, node-2 and gw-2; majority: node-3..5 and gw-1. Rooms played through gw-2
        // can reach only the minority, which must not acknowledge their moves while split.
        List<String> minority = List.of("node-1", "node-2", "gw-2");
        List<String> majority = List.of("node-3", "node-4", "node-5", "gw-1");
        String majorityAddresses = majority.stream().map(cluster::addressOf).collect(Collectors.joining(", "));
        List<LiveGame> viaMinority = gamesThrough(1, "split-min", ROOMS / 2);
        List<LiveGame> viaMajority = gamesThrough(0, "split-maj", ROOMS / 2);
        List<LiveGame> all = new ArrayList<>(viaMajority);
        all.addAll(viaMinority);
        Set<String> concerned = new HashSet<>();
        viaMinority.forEach(g -> concerned.add(g.roomId));
        viaMajority.stream()
                .filter(g -> Set.of("node-1", "node-2").contains(fx.ownerOf(g)))
                .forEach(g -> concerned.add(g.roomId));
        Map<String, Integer> ackedAtSplit = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Integer> ackedAtHeal = new java.util.concurrent.ConcurrentHashMap<>();
        measure(
                "e. split 2 against 3, quorum 3",
                all,
                concerned,
                FAULT,
                () -> {
                    viaMinority.forEach(
                            g -> ackedAtSplit.put(g.roomId, g.acked().size()));
                    for (String side : minority) {
                        hosts.nft(
                                host(side),
                                table("chain in { type filter hook input priority 0; ip saddr { " + majorityAddresses
                                        + " } drop; }\n" + "chain out { type filter hook output priority 0; ip daddr { "
                                        + majorityAddresses + " } drop; }"));
                    }
                },
                () -> {
                    viaMinority.forEach(g -> ackedAtHeal.put(g.roomId, g.acked().size()));
                    for (String side : minority) {
                        heal(side);
                    }
                },
                () -> {
                    int minorityAcks = viaMinority.stream()
                            .mapToInt(g -> ackedAtHeal.get(g.roomId) - ackedAtSplit.get(g.roomId))
                            .sum();
                    return "moves acknowledged through the minority while split: " + minorityAcks;
                });
    }

    @Test
    @Order(7)
    void nodeAddedAndNodeDrainedUnderTraffic() throws Exception {
        only("g");
        String drained = "node-5";
        fault(
                "g. node-6 added, node-5 drained",
                Set.of(drained),
                Duration.ZERO,
                () -> {
                    cluster.addNode("node-6");
                    fx.awaitClusterSafe();
                    // The admin API wants the admin token (every gateway runs with --admin-token-file).
                    assertThat(GameFixture.http(cluster.adminRequest(0, "/nodes/" + drained + "/drain")
                                            .POST(HttpRequest.BodyPublishers.noBody())
                                            .build())
                                    .statusCode())
                            .isEqualTo(202);
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> fx.nodeStatus(drained).getRooms() == 0);
                },
                () -> {});
    }

    @Test
    @Order(8)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void slowLossyLinkOnOneNode() throws Exception {
        only("h");
        assumeTrue(NetnsHosts.python3(), "needs python3 (hosts.sh slow's link emulator)");
        // No sch_netem in this kernel: hosts.sh slow moves the node's host onto a userspace link
        // (deploy/netns/slowlink.py) that delays each frame each way 150 ms +- 50 (uniform, order
        // kept) and drops 5% each way, while the node runs on. -Dnetfaults.slowSeconds: how long
        // (default 60; 20 for a quick run).
        String node = "node-3";
        Duration hold = Duration.ofSeconds(Long.getLong("netfaults.slowSeconds", 60));
        String slowHost = host(node);
        // A game of 40 plies must last through the windows: a slower pace for a long fault.
        long pace = Math.max(PACE_MS, (BEFORE.plus(hold)).toMillis() / (40 - GameFixture.PLIES_AFTER - 2));
        fault(
                "h. 100-200 ms delay each way and 5% loss each way on one node (" + hold.toSeconds() + " s)",
                Set.of(node),
                hold,
                pace,
                () -> hosts.slow(slowHost, "--delay", "150ms", "--jitter", "50ms", "--loss", "5%"),
                () -> hosts.fast(slowHost),
                () -> slowLinkStats(slowHost));
    }

    /** The emulator's own count of what it did to the node's frames (its SLOWLINK-STATS line). */
    private String slowLinkStats(String host) throws Exception {
        String stats = hosts.slowLinkStats(host);
        StringBuilder note = new StringBuilder("link emulator:");
        for (String[] way : new String[][] {{"to-inside", "to the node"}, {"to-outside", "from the node"}}) {
            // The fault was there: frames held 100-200 ms (more when order keeps one behind a later
            // draw, or the emulator ran late on a loaded machine), about 5% dropped.
            double mean = NetnsHosts.slowLinkStat(stats, way[0], "delay_ms_mean")
                    .map(Double::parseDouble)
                    .orElse(-1.0);
            double frames = NetnsHosts.slowLinkStat(stats, way[0], "frames_in")
                    .map(Double::parseDouble)
                    .orElse(0.0);
            double lost = NetnsHosts.slowLinkStat(stats, way[0], "lost")
                    .map(Double::parseDouble)
                    .orElse(-1.0);
            softly.assertThat(mean)
                    .as("h: mean delay %s (ms), %s", way[1], stats)
                    .isBetween(100.0, 250.0);
            softly.assertThat(lost / frames)
                    .as("h: share lost %s, %s", way[1], stats)
                    .isBetween(0.02, 0.08);
            note.append(String.format(
                    " %s %s frames, %s lost, mean delay %s ms (max %s);",
                    way[1],
                    NetnsHosts.slowLinkStat(stats, way[0], "frames_in").orElse("?"),
                    NetnsHosts.slowLinkStat(stats, way[0], "lost").orElse("?"),
                    NetnsHosts.slowLinkStat(stats, way[0], "delay_ms_mean").orElse("?"),
                    NetnsHosts.slowLinkStat(stats, way[0], "delay_ms_max").orElse("?")));
        }
        return note.substring(0, note.length() - 1);
    }

    private static void only(String fault) {
        assumeTrue(
                FAULTS.isBlank() || Set.of(FAULTS.split(",")).contains(fault),
                "fault " + fault + " not in -Dnetfaults.faults=" + FAULTS);
    }

    // ------------------------------------------------------------------ one fault

    private void fault(String name, Set<String> faultyNodes, Step inject, Step heal) throws Exception {
        fault(name, faultyNodes, FAULT, inject, heal);
    }

    private void fault(String name, Set<String> faultyNodes, Duration hold, Step inject, Step heal) throws Exception {
        fault(name, faultyNodes, hold, inject, heal, () -> "");
    }

    private void fault(String name, Set<String> faultyNodes, Duration hold, Step inject, Step heal, Note note)
            throws Exception {
        fault(name, faultyNodes, hold, PACE_MS, inject, heal, note);
    }

    private void fault(
            String name, Set<String> faultyNodes, Duration hold, long paceMs, Step inject, Step heal, Note note)
            throws Exception {
        // A quarter of the rooms on a faulty node (by the gateways' placement), the rest anywhere.
        List<LiveGame> games = new ArrayList<>(fx.createGames(
                name.substring(0, 1) + "-on", ROOMS / 4, faultyNodes.iterator().next()));
        games.addAll(fx.createGames(name.substring(0, 1), ROOMS - games.size(), null));
        Set<String> concerned = games.stream()
                .filter(g -> faultyNodes.contains(fx.ownerOf(g)))
                .map(g -> g.roomId)
                .collect(Collectors.toSet());
        measure(name, games, concerned, hold, paceMs, inject, heal, note);
    }

    /**
     * From the heal on: how long until both gateways place a new room that hashing (over every
     * node) gives to {@code node} on that node again, i.e. until neither still counts it
     * unreachable. A new pair of rooms is joined every 250 ms, one through each gateway; -1 if not
     * within 20 s.
     */
    private final class PlacedAgain {
        private final String node;
        private long healedAt;
        private Future<Long> millis;

        PlacedAgain(String node) {
            this.node = node;
        }

        void start() {
            healedAt = System.nanoTime();
            millis = fx.submit(this::measure);
        }

        private long measure() throws InterruptedException {
            while (System.nanoTime() - healedAt < Duration.ofSeconds(20).toNanos()) {
                if (placedThroughBoth()) {
                    return (System.nanoTime() - healedAt) / 1_000_000;
                }
                Thread.sleep(250);
            }
            return -1;
        }

        /** False while the node is not listed yet, or a join fails or lands elsewhere. */
        private boolean placedThroughBoth() {
            try {
                roomgate.placement.NodeView view = fx.hashView();
                if (view.byId(node).isEmpty()) {
                    return false; // not back in the cluster yet (a node cut off is removed)
                }
                for (int gateway = 0; gateway < GATEWAYS; gateway++) {
                    String roomId;
                    do {
                        roomId = "placed-" + node + "-"
                                + UUID.randomUUID().toString().substring(0, 8);
                    } while (!view.ownerOf(roomId).nodeId().equals(node));
                    try (RoomgateClient client = RoomgateClient.connect(cluster.websocket(gateway), Encoding.BINARY)) {
                        ServerMessage reply = client.request(
                                ChessMessages.join(roomId, Role.PLAYER, Side.WHITE), GameFixture.TIMEOUT);
                        if (!reply.hasJoined()
                                || !reply.getJoined().getOwnerNodeId().equals(node)) {
                            return false;
                        }
                    }
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                return false; // a join not answered in time under load: try again
            }
        }

        long millis() throws Exception {
            return millis.get();
        }

        String note() throws Exception {
            long ms = millis();
            return "new rooms placed on " + node + " again through both gateways "
                    + (ms < 0 ? "not within 20 s" : ms + " ms") + " after the heal";
        }
    }

    interface Note {
        String get() throws Exception;
    }

    /**
     * Plays {@code games} at a steady pace: BEFORE, then {@code inject}, {@code hold}, {@code heal};
     * then one more move in every room, and the checks. Prints the fault's table.
     */
    private void measure(
            String name, List<LiveGame> games, Set<String> concerned, Duration hold, Step inject, Step heal, Note note)
            throws Exception {
        measure(name, games, concerned, hold, PACE_MS, inject, heal, note);
    }

    private void measure(
            String name,
            List<LiveGame> games,
            Set<String> concerned,
            Duration hold,
            long paceMs,
            Step inject,
            Step heal,
            Note note)
            throws Exception {
        fx.awaitClusterSafe();
        FenceWatch fence = fx.watchFencing(games);
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        AtomicBoolean traffic = new AtomicBoolean(true);
        List<Future<?>> players = new ArrayList<>();
        for (LiveGame game : games) {
            boolean other = !concerned.contains(game.roomId);
            players.add(fx.submit(() -> play(game, other, paceMs, traffic, samples)));
        }
        Thread.sleep(BEFORE.toMillis()); // the window measured before the fault
        long faultAt = System.nanoTime();
        inject.run();
        Thread.sleep(hold.toMillis()); // the fault lasts this long (the window measured during it)
        long healAt = System.nanoTime();
        heal.run();
        long healedAt = System.nanoTime();
        traffic.set(false);
        for (Future<?> p : players) {
            p.get();
        }
        // A room no node could take over within the gateway's deadline was given up and its players
        // told (ROOM_UNAVAILABLE): as told, they join again. A player refused NOT_IN_ROOM without
        // having been told joins again too, and is counted: that is a seat lost silently.
        int rejoinedTold = 0;
        int rejoinedUntold = 0;
        for (LiveGame game : games) {
            boolean told = toldRoomLost(game.white(), game.roomId) || toldRoomLost(game.black(), game.roomId);
            boolean refused = game.lastProblem().startsWith("NOT_IN_ROOM");
            if (told || refused) {
                boolean reseated = rejoin(game.white(), game.roomId, Side.WHITE);
                reseated |= rejoin(game.black(), game.roomId, Side.BLACK);
                if (reseated && told) {
                    rejoinedTold++;
                } else if (reseated) {
                    rejoinedUntold++;
                }
            }
        }
        String playable;
        try {
            playable = Long.toString(fx.playAfterFault(games, healedAt));
        } catch (ExecutionException e) {
            // The figures are still printed; the fault fails at the end of the suite.
            playable = "not every room within 40 s";
            softly.fail(
                    "%s: a room not playable again after the heal: %s",
                    name, e.getCause().getMessage());
        }
        String extra = note.get();
        extra += (extra.isEmpty() ? "" : "; ") + "concerned rooms p50 / p99 / max during (ms): "
                + concernedLatency(samples, faultAt, Math.max(healAt, healedAt));
        if (rejoinedTold + rejoinedUntold > 0) {
            extra += (extra.isEmpty() ? "" : "; ") + "rooms joined again after the heal: " + rejoinedTold
                    + " whose players were told, " + rejoinedUntold + " whose players were not";
        }

        int lost = 0;
        for (LiveGame game : games) {
            List<String> stored = fx.spectate(game).getState().getChess().getUciMovesList();
            lost += (int) game.acked().stream().filter(m -> !stored.contains(m)).count();
        }
        fence.close();
        int doubleOwners = fence.duplicates().size();
        String row = String.format(
                "| %s | %d nodes + %d gateways | %d (%d concerned) | %d | %d | %s | %s | %s | %s | %s |",
                name,
                cluster.nodes().size(),
                GATEWAYS,
                games.size(),
                concerned.size(),
                lost,
                doubleOwners,
                playable,
                latency(samples, faultAt - BEFORE.toNanos(), faultAt),
                latency(samples, faultAt, Math.max(healAt, healedAt)),
                maxOfConcerned(samples, faultAt, Math.max(healAt, healedAt)),
                extra);
        String table =
                "| fault | hosts | rooms | acked moves lost | double owners | every room playable after heal (ms)"
                        + " | other rooms p99 / max before (ms) | during (ms) | concerned rooms max during (ms) | note |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|\n" + row + "\n\n" + fence.summary() + "\n\n";
        System.out.print(table);
        Files.writeString(RESULTS, table, StandardOpenOption.APPEND);
        softly.assertThat(lost).as("%s: acknowledged moves lost", name).isZero();
        softly.assertThat(fence.duplicates())
                .as("%s: rooms two nodes held at one epoch", name)
                .isEmpty();
        fx.verify(games, name);
    }

    /** One room's moves, one per {@code paceMs} at most, each timed from send to acknowledgement (retries included). */
    private static Void play(
            LiveGame game, boolean other, long paceMs, AtomicBoolean traffic, ConcurrentLinkedQueue<long[]> samples)
            throws InterruptedException {
        while (traffic.get() && game.hasMoreThan(GameFixture.PLIES_AFTER)) {
            long start = System.nanoTime();
            boolean acked = game.playNext(
                    Duration.ofSeconds(2), start + Duration.ofSeconds(30).toNanos());
            long end = System.nanoTime();
            if (acked) {
                samples.add(new long[] {start, end - start, other ? 1 : 0});
            }
            long rest = paceMs - (end - start) / 1_000_000;
            if (rest > 0) {
                Thread.sleep(rest);
            }
        }
        return null;
    }

    /** "p50 / p99 / max" in ms of the concerned rooms' moves sent in [from, to). */
    private static String concernedLatency(ConcurrentLinkedQueue<long[]> samples, long from, long to) {
        long[] ms = samples.stream()
                .filter(s -> s[2] == 0 && s[0] >= from && s[0] < to)
                .mapToLong(s -> s[1] / 1_000_000)
                .sorted()
                .toArray();
        if (ms.length == 0) {
            return "no moves";
        }
        return ms[(ms.length - 1) / 2] + " / " + latency(ms);
    }

    /** "p99 / max" in ms of the other rooms' moves sent in [from, to). */
    private static String latency(ConcurrentLinkedQueue<long[]> samples, long from, long to) {
        long[] ms = samples.stream()
                .filter(s -> s[2] == 1 && s[0] >= from && s[0] < to)
                .mapToLong(s -> s[1] / 1_000_000)
                .sorted()
                .toArray();
        return ms.length == 0 ? "no moves" : latency(ms);
    }

    /** "p99 / max (n moves)" of sorted ms. */
    private static String latency(long[] ms) {
        return ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)] + " / " + ms[ms.length - 1] + " ("
                + ms.length + " moves)";
    }

    /** The slowest acknowledged move of the concerned rooms sent in [from, to), in ms. */
    private static String maxOfConcerned(ConcurrentLinkedQueue<long[]> samples, long from, long to) {
        return samples.stream()
                .filter(s -> s[2] == 0 && s[0] >= from && s[0] < to)
                .mapToLong(s -> s[1] / 1_000_000)
                .max()
                .stream()
                .mapToObj(Long::toString)
                .findFirst()
                .orElse("no moves");
    }

    /**
     * Joins {@code roomId} again; true if the player had lost its seat (ALREADY_IN_ROOM: it had not,
     * the gateway kept it on another try).
     */
    private static boolean rejoin(RoomgateClient player, String roomId, Side side) throws Exception {
        ServerMessage reply = player.request(ChessMessages.join(roomId, Role.PLAYER, side), GameFixture.TIMEOUT);
        assertThat(reply.hasJoined() || reply.getError().getCode() == ErrorCode.ALREADY_IN_ROOM)
                .as("join %s again: %s", roomId, reply)
                .isTrue();
        return reply.hasJoined();
    }

    /** Whether {@code player} was told, unasked, that {@code roomId} is lost and must be joined again. */
    private static boolean toldRoomLost(RoomgateClient player, String roomId) {
        return player.received().stream()
                .anyMatch(m -> m.hasError()
                        && m.getRequestId().isEmpty()
                        && m.getError().getCode() == ErrorCode.ROOM_UNAVAILABLE
                        && m.getError().getRoomId().equals(roomId));
    }

    // ------------------------------------------------------------------ plumbing

    /** Rooms whose two players both connect to gateway {@code gateway}. */
    private List<LiveGame> gamesThrough(int gateway, String prefix, int count) throws Exception {
        List<LiveGame> games = new ArrayList<>();
        List<List<String>> plans = fx.plans();
        for (int i = 0; i < count; i++) {
            String roomId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            RoomgateClient white = fx.connect(gateway, Encoding.BINARY);
            RoomgateClient black = fx.connect(gateway, Encoding.BINARY);
            GameFixture.join(white, roomId, Side.WHITE);
            GameFixture.join(black, roomId, Side.BLACK);
            games.add(new LiveGame(roomId, white, black, plans.get(i % plans.size())));
        }
        return games;
    }

    /** Drops traffic between {@code name}'s host and the other hosts, inbound and/or outbound; the root link stays open. */
    private void cut(String name, boolean in, boolean out) throws Exception {
        String subnet = subnet();
        String root = rootAddress();
        StringBuilder rules = new StringBuilder();
        if (in) {
            rules.append("chain in { type filter hook input priority 0; ip saddr ")
                    .append(subnet)
                    .append(" ip saddr != ")
                    .append(root)
                    .append(" drop; }\n");
        }
        if (out) {
            rules.append("chain out { type filter hook output priority 0; ip daddr ")
                    .append(subnet)
                    .append(" ip daddr != ")
                    .append(root)
                    .append(" drop; }\n");
        }
        hosts.nft(host(name), table(rules.toString()));
    }

    private void heal(String name) throws Exception {
        hosts.exec(host(name), "nft", "delete", "table", "inet", "rgfault");
    }

    private static String table(String chains) {
        return "table inet rgfault {\n" + chains + "\n}\n";
    }

    /** The host (h1..) a node or gateway of the cluster runs on. */
    private String host(String name) {
        String address = cluster.addressOf(name);
        return hosts.hosts().stream()
                .filter(h -> h.address().equals(address))
                .findFirst()
                .orElseThrow()
                .name();
    }

    private String gatewayAddresses() {
        return cluster.addressOf("gw-1") + ", " + cluster.addressOf("gw-2");
    }

    private String subnet() {
        String a = hosts.host("h1").address();
        return a.substring(0, a.lastIndexOf('.')) + ".0/24";
    }

    private String rootAddress() {
        String a = hosts.host("h1").address();
        return a.substring(0, a.lastIndexOf('.')) + ".254";
    }
}
