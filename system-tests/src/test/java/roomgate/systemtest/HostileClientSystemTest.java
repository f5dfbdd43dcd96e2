package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * One hostile client at a time against a gateway (2 nodes, 1 gateway, each its own JVM) while an
 * honest chess game plays beside it. Each attack prints what was tried, what the server answered,
 * the honest game's move p99 before any attack and during this one, and the gateway's RSS before,
 * at its peak and after. It passes when no process died, the gateway's RSS stayed under
 * {@link #RSS_BOUND_MB}, every honest move was answered, and the attacker's connection was closed
 * (or, for text, its request refused). The gateway runs with short timeouts so that the whole
 * class takes well under 90 s; the attackers connect from {@link RawClient#ATTACKER}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileClientSystemTest {
    /** The gateway runs with -Xmx256m: heap, metaspace, threads and Netty's direct buffers stay well under this. */
    private static final long RSS_BOUND_MB = 600;

    private static final int HTTP_TIMEOUT_S = 2;
    private static final int IDLE_TIMEOUT_S = 3;
    private static final int PER_ADDRESS = 50;
    /** How long an attack may take to be closed: its deadline and a second more. */
    private static final long CLOSE_WITHIN_MS = 6_000;

    private LocalCluster cluster;
    private int port;
    private long gatewayPid;
    private HonestGame honest;
    private double baselineP99;
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    void start() throws Exception {
        cluster = LocalCluster.start(
                "hostile-client",
                2,
                1,
                List.of(
                        "--http-timeout-seconds", Integer.toString(HTTP_TIMEOUT_S),
                        "--ping-interval-seconds", "1",
                        "--idle-timeout-seconds", Integer.toString(IDLE_TIMEOUT_S),
                        "--max-connections-per-address", Integer.toString(PER_ADDRESS)));
        port = Integer.parseInt(cluster.gateway(0).readyFields().get("port"));
        gatewayPid = Long.parseLong(cluster.gateway(0)
                .readyFields()
                .getOrDefault("pid", Long.toString(cluster.gateway(0).pid())));
        honest = new HonestGame(
                RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY),
                RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY),
                "honest-" + run);
        honest.start();
        Thread.sleep(2_000); // warm-up: the first moves include JIT compilation everywhere
        long from = System.nanoTime();
        Thread.sleep(3_000);
        baselineP99 = honest.p99Millis(from, System.nanoTime());
        System.out.printf(
                "[hostile] baseline: %d honest moves in 3 s, p99 %.1f ms, gateway pid %d RSS %d MB, bound %d MB%n",
                honest.movesBetween(from, System.nanoTime()), baselineP99, gatewayPid, rssMb(), RSS_BOUND_MB);
    }

    @AfterAll
    void stop() throws Exception {
        if (honest != null) {
            honest.stop();
            System.out.printf(
                    "[hostile] honest game: %d moves in all, every one answered: %s%n",
                    honest.moves(), honest.broken() == null);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(gatewayPid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone: the assertion on liveness says so
        }
        return -1;
    }

    interface Attack {
        /** Runs the attack; returns what the server answered. */
        String run() throws Exception;
    }

    /** Runs {@code attack} beside the honest game, prints its figures and checks the pass conditions. */
    private void attack(String name, String tried, Attack attack) throws Exception {
        long rssBefore = rssMb();
        AtomicLong peak = new AtomicLong(rssBefore);
        Thread sampler = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(rssMb(), Math::max);
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        String answered = attack.run();
        long end = System.nanoTime();
        Thread.sleep(500);
        sampler.interrupt();
        sampler.join();
        long rssAfter = rssMb();
        System.out.printf(
                "[hostile] %s%n  tried:    %s%n  answered: %s%n"
                        + "  honest move p99: before %.1f ms, during %.1f ms (%d moves during, %.1f s)%n"
                        + "  gateway RSS: before %d MB, peak %d MB, after %d MB (bound %d MB)%n",
                name,
                tried,
                answered,
                baselineP99,
                honest.p99Millis(start, end),
                honest.movesBetween(start, end),
                (end - start) / 1e9,
                rssBefore,
                peak.get(),
                rssAfter,
                RSS_BOUND_MB);
        assertThat(cluster.gateway(0).isAlive()).as("gateway alive").isTrue();
        assertThat(cluster.nodes().values()).allMatch(ServiceProcess::isAlive);
        assertThat(peak.get()).as("gateway RSS peak, MB").isLessThan(RSS_BOUND_MB);
        assertThat(honest.broken()).as("the honest game").isNull();
    }

    /**
     * Runs a quick attack again and again for at least {@code millis}, so that the honest game's
     * figures during it are from more than a handful of moves; returns the last answer and the count.
     */
    private static String repeatFor(long millis, Attack once) throws Exception {
        long start = System.nanoTime();
        int times = 0;
        String first = null;
        do {
            String answer = once.run();
            first = first == null ? answer : first;
            times++;
        } while ((System.nanoTime() - start) / 1_000_000 < millis);
        return first + " [the first of " + times + " in " + (System.nanoTime() - start) / 1_000_000
                + " ms, each checked as this one]";
    }

    /** Writes {@code chunk} again and again without reading, until the server closes or the time is up. */
    private static String flood(RawClient client, byte[] chunk, long maxMillis) throws InterruptedException {
        long[] sent = {0};
        String[] how = {"still open after " + maxMillis + " ms"};
        long start = System.nanoTime();
        Thread writer = new Thread(
                () -> {
                    try {
                        while ((System.nanoTime() - start) / 1_000_000 < maxMillis) {
                            client.write(chunk);
                            sent[0] += chunk.length;
                        }
                    } catch (IOException e) {
                        how[0] = "closed by the server after " + (System.nanoTime() - start) / 1_000_000 + " ms ("
                                + e.getMessage() + ")";
                    }
                },
                "flood");
        writer.start();
        writer.join(maxMillis + 1_000);
        if (writer.isAlive()) {
            // Blocked in write: the server stopped reading but never closed.
            client.close();
            writer.join();
        }
        return how[0] + ", " + sent[0] / 1024 + " KiB written";
    }

    @Test
    @Order(1)
    void pingFloodThatNeverReads() throws Exception {
        attack(
                "ping flood",
                "WebSocket pings (6-byte frames, 10,000 per write) for up to 10 s, reading nothing;"
                        + " again on a new connection for 2 s",
                () -> repeatFor(2_000, () -> {
                    try (RawClient client = new RawClient(port).upgrade()) {
                        String how = flood(
                                client,
                                RawClient.repeat(RawClient.frame(RawClient.PING, true, new byte[0]), 10_000),
                                10_000);
                        RawClient.Ending rest = client.readToEnd(1_000);
                        assertThat(how).startsWith("closed by the server");
                        return how + "; it had been sent " + RawClient.summary(rest.bytes());
                    }
                }));
    }

    @Test
    @Order(2)
    void pipelinedHttpThatNeverReads() throws Exception {
        attack(
                "pipelined HTTP",
                "keep-alive 'GET /nope' requests, 1,000 per write, for up to 10 s, reading nothing;"
                        + " again on a new connection for 2 s",
                () -> repeatFor(2_000, () -> {
                    try (RawClient client = new RawClient(port)) {
                        String how = flood(
                                client,
                                "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                                        .repeat(1_000)
                                        .getBytes(),
                                10_000);
                        assertThat(how).startsWith("closed by the server");
                        RawClient.Ending rest = client.readToEnd(1_000);
                        return how + "; it had been sent " + (rest.text().split("HTTP/1.1 404", -1).length - 1)
                                + " answers 404";
                    }
                }));
    }

    @Test
    @Order(3)
    void slowUpgradeAtOneBytePerSecond() throws Exception {
        attack("slow upgrade", "20 sockets sending the upgrade request at 1 byte/s", () -> {
            List<RawClient> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(new RawClient(port));
            }
            byte[] request = clients.get(0).upgradeRequest().getBytes();
            long start = System.nanoTime();
            int sent = 0;
            List<String> endings = new ArrayList<>();
            while ((System.nanoTime() - start) / 1_000_000 < CLOSE_WITHIN_MS && endings.size() < clients.size()) {
                for (RawClient client : clients) {
                    try {
                        client.write(new byte[] {request[sent]});
                    } catch (IOException closed) {
                        // counted below
                    }
                }
                sent++;
                Thread.sleep(1_000);
                endings.clear();
                for (RawClient client : clients) {
                    RawClient.Ending ending = client.readToEnd(1);
                    if (ending.closed() || ending.bytes().length > 0) {
                        endings.add(ending.text().lines().findFirst().orElse(ending.how()));
                    }
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            clients.forEach(RawClient::close);
            assertThat(endings).hasSize(20).allMatch(e -> e.startsWith("HTTP/1.1 408"));
            return endings.size() + "/20 answered '" + endings.get(0) + "' and closed within " + millis + " ms, after "
                    + sent + " bytes each";
        });
    }

    @Test
    @Order(4)
    void silentSockets() throws Exception {
        attack(
                "silent sockets",
                "20 TCP sockets that say nothing; 5 WebSockets that join the honest room as"
                        + " spectators, then neither read nor answer pings",
                () -> {
                    List<RawClient> tcp = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        tcp.add(new RawClient(port));
                    }
                    List<RawClient> ws = new ArrayList<>();
                    byte[] join = ClientMessage.newBuilder()
                            .setJoin(JoinRoom.newBuilder()
                                    .setRoomId(honest.roomId())
                                    .setGameType(GameType.CHESS)
                                    .setRole(Role.SPECTATOR))
                            .build()
                            .toByteArray();
                    for (int i = 0; i < 5; i++) {
                        RawClient client = new RawClient(port).upgrade();
                        client.write(RawClient.frame(RawClient.BINARY, true, join));
                        ws.add(client);
                    }
                    List<String> tcpEnds = new ArrayList<>();
                    for (RawClient client : tcp) {
                        RawClient.Ending end = client.readToEnd(CLOSE_WITHIN_MS);
                        tcpEnds.add(end.how() + " after " + end.millis() + " ms: "
                                + end.text().lines().findFirst().orElse(""));
                        client.close();
                    }
                    List<String> wsEnds = new ArrayList<>();
                    for (RawClient client : ws) {
                        RawClient.Ending end = client.readToEnd(CLOSE_WITHIN_MS);
                        assertThat(end.closed()).isTrue();
                        wsEnds.add(RawClient.summary(end.bytes()));
                        client.close();
                    }
                    assertThat(tcpEnds).allMatch(e -> e.startsWith("eof") && e.contains("408"));
                    assertThat(wsEnds).allMatch(e -> e.contains("[close 1001 idle"));
                    return "TCP: " + tcpEnds.get(0) + " (all 20 alike); WebSocket: " + wsEnds.get(0)
                            + " (all 5 closed)";
                });
    }

    @Test
    @Order(5)
    void manyConnectionsFromOneAddress() throws Exception {
        attack(
                "connections from one address",
                "80 connections from " + RawClient.ATTACKER + " (cap " + PER_ADDRESS
                        + " per address), then an honest client from 127.0.0.1",
                () -> {
                    List<RawClient> clients = new ArrayList<>();
                    for (int i = 0; i < 80; i++) {
                        clients.add(new RawClient(port));
                    }
                    Thread.sleep(300);
                    int refused = 0;
                    for (RawClient client : clients) {
                        if (client.readToEnd(20).closed()) {
                            refused++;
                        }
                    }
                    try (RoomgateClient other = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY)) {
                        ServerMessage pong = other.request(
                                ClientMessage.newBuilder()
                                        .setPing(roomgate.protocol.v1.Ping.getDefaultInstance())
                                        .build(),
                                Duration.ofSeconds(5));
                        assertThat(pong.hasPong()).isTrue();
                    }
                    clients.forEach(RawClient::close);
                    assertThat(refused).isEqualTo(80 - PER_ADDRESS);
                    return refused + " of 80 closed at accept (EOF), " + (80 - refused)
                            + " open; an honest client from another address connected and was answered";
                });
    }

    @Test
    @Order(6)
    void fragmentFloods() throws Exception {
        attack(
                "fragment floods",
                "(a) one message in 16,384 one-byte continuation frames; (b) messages of 60"
                        + " fragments (under the cap) back to back; again for 2 s",
                () -> repeatFor(2_000, () -> {
                    String a;
                    try (RawClient client = new RawClient(port).upgrade()) {
                        byte[] first = RawClient.frame(RawClient.BINARY, false, new byte[] {0x0a});
                        byte[] more = RawClient.repeat(
                                RawClient.frame(RawClient.CONTINUATION, false, new byte[] {0x01}), 16_383);
                        try {
                            client.write(first);
                            client.write(more);
                        } catch (IOException closed) {
                            // the server closed before taking them all
                        }
                        RawClient.Ending end = client.readToEnd(CLOSE_WITHIN_MS);
                        a = RawClient.summary(end.bytes()) + ", then " + end.how() + " (" + end.millis() + " ms)";
                        assertThat(a).contains("[close 1008 a message in more than 64 fragments]");
                    }
                    String b;
                    try (RawClient client = new RawClient(port).upgrade()) {
                        java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
                        message.writeBytes(RawClient.frame(RawClient.BINARY, false, new byte[] {0x0a}));
                        for (int i = 0; i < 58; i++) {
                            message.writeBytes(RawClient.frame(RawClient.CONTINUATION, false, new byte[] {0x01}));
                        }
                        message.writeBytes(RawClient.frame(RawClient.CONTINUATION, true, new byte[] {0x01}));
                        String how = flood(client, RawClient.repeat(message.toByteArray(), 100), 10_000);
                        RawClient.Ending end = client.readToEnd(1_000);
                        b = how + "; it had been sent " + RawClient.summary(end.bytes());
                        assertThat(how).startsWith("closed by the server");
                    }
                    return "(a) " + a + "; (b) " + b;
                }));
    }

    @Test
    @Order(7)
    void oversizedAndHostileDisplayNames() throws Exception {
        attack(
                "display names and chat",
                "50 spectator joins of the honest room with 16,200-char display names,"
                        + " one with an ANSI escape, one with a bidi override, a 600-char chat line; again for 2 s",
                () -> repeatFor(2_000, () -> {
                    try (RoomgateClient client = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY)) {
                        List<String> answers = Collections.synchronizedList(new ArrayList<>());
                        List<String> names = new ArrayList<>(Collections.nCopies(50, "n".repeat(16_200)));
                        names.add("\u001b[2Jcleared");
                        names.add("admin\u202Egnp.exe");
                        for (String name : names) {
                            ServerMessage reply = client.request(
                                    ClientMessage.newBuilder()
                                            .setJoin(JoinRoom.newBuilder()
                                                    .setRoomId(honest.roomId())
                                                    .setGameType(GameType.CHESS)
                                                    .setRole(Role.SPECTATOR)
                                                    .setDisplayName(name))
                                            .build(),
                                    Duration.ofSeconds(5));
                            assertThat(reply.getError().getCode())
                                    .as("answer to a join")
                                    .isEqualTo(ErrorCode.INVALID_ARGUMENT);
                            answers.add(reply.getError().getMessage());
                        }
                        ServerMessage chat = client.request(
                                ClientMessage.newBuilder()
                                        .setChat(SendChat.newBuilder()
                                                .setRoomId(honest.roomId())
                                                .setText("c".repeat(600)))
                                        .build(),
                                Duration.ofSeconds(5));
                        assertThat(chat.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        return "every join INVALID_ARGUMENT: '" + answers.get(0) + "' (x50), '" + answers.get(50)
                                + "', '" + answers.get(51) + "'; chat: '"
                                + chat.getError().getMessage() + "'; nobody was seated";
                    }
                }));
    }

    @Test
    @Order(8)
    void malformedOversizedAndBadHttp() throws Exception {
        attack(
                "malformed input",
                "(a) 1,000 malformed binary frames; (b) one 20,000-byte frame; (c) GET /health"
                        + " with a 9,000-byte header; again for 2 s",
                () -> repeatFor(2_000, () -> {
                    String a;
                    try (RawClient client = new RawClient(port).upgrade()) {
                        try {
                            client.write(RawClient.repeat(
                                    RawClient.frame(RawClient.BINARY, true, new byte[] {0x0a, (byte) 0xff}), 1_000));
                        } catch (IOException closed) {
                            // closed before taking them all
                        }
                        RawClient.Ending end = client.readToEnd(CLOSE_WITHIN_MS);
                        a = RawClient.summary(end.bytes()) + ", then " + end.how();
                        assertThat(a).contains("[close 1008 more than 10 malformed messages]");
                    }
                    String b;
                    try (RawClient client = new RawClient(port).upgrade()) {
                        client.write(RawClient.frame(RawClient.BINARY, true, new byte[20_000]));
                        RawClient.Ending end = client.readToEnd(CLOSE_WITHIN_MS);
                        b = RawClient.summary(end.bytes()) + ", then " + end.how();
                        assertThat(RawClient.frames(end.bytes()))
                                .filteredOn(f -> f.startsWith("close"))
                                .hasSize(1)
                                .allMatch(f -> f.startsWith("close 1009"));
                    }
                    String c;
                    try (RawClient client = new RawClient(port)) {
                        client.write("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9_000) + "\r\n\r\n");
                        RawClient.Ending end = client.readToEnd(CLOSE_WITHIN_MS);
                        c = "'" + end.text().lines().findFirst().orElse("") + "', then " + end.how();
                        assertThat(c).startsWith("'HTTP/1.1 431").doesNotEndWith("open");
                    }
                    return "(a) " + a + "; (b) " + b + "; (c) " + c;
                }));
    }

    @Test
    @Order(9)
    void oneConnectionJoiningAHundredRooms() throws Exception {
        attack("rooms per connection", "one connection joins 100 chess rooms as a spectator, one after another", () -> {
            try (RoomgateClient client = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY)) {
                int joined = 0;
                int refused = 0;
                String refusal = "";
                for (int i = 0; i < 100; i++) {
                    ServerMessage reply = client.request(
                            ClientMessage.newBuilder()
                                    .setJoin(JoinRoom.newBuilder()
                                            .setRoomId("cap-" + run + "-" + i)
                                            .setGameType(GameType.CHESS)
                                            .setRole(Role.SPECTATOR))
                                    .build(),
                            Duration.ofSeconds(5));
                    if (reply.hasJoined()) {
                        joined++;
                    } else {
                        assertThat(reply.getError().getCode()).as("join %d", i).isEqualTo(ErrorCode.TOO_MANY_ROOMS);
                        refused++;
                        refusal = reply.getError().getMessage();
                    }
                }
                assertThat(joined).as("rooms joined (the default cap)").isEqualTo(32);
                assertThat(refused).isEqualTo(68);
                return joined + " joined, " + refused + " TOO_MANY_ROOMS: '" + refusal + "'";
            }
        });
    }

    /**
     * Two honest players in a chess room, moving as fast as they are answered (a knight shuffle, 12
     * plies a room before repetition would end the game, then a new room), timing each move from
     * request to its own event. Any move not answered with its event within 5 s breaks the game.
     */
    static final class HonestGame {
        private static final List<String> SHUFFLE = List.of("g1f3", "g8f6", "f3g1", "f6g8");
        private final RoomgateClient white;
        private final RoomgateClient black;
        private final String prefix;
        /** {end nanos, latency nanos} per acknowledged move. */
        private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());

        private final Thread thread = new Thread(this::play, "honest-game");
        private volatile boolean stopping;
        private volatile String broken;
        private volatile String roomId;

        HonestGame(RoomgateClient white, RoomgateClient black, String prefix) {
            this.white = white;
            this.black = black;
            this.prefix = prefix;
        }

        void start() throws Exception {
            roomId = prefix + "-0";
            join(roomId);
            thread.setDaemon(true);
            thread.start();
        }

        private void join(String room) throws Exception {
            for (var seat : List.of(new Object[] {white, Side.WHITE}, new Object[] {black, Side.BLACK})) {
                ServerMessage joined = ((RoomgateClient) seat[0])
                        .request(
                                ClientMessage.newBuilder()
                                        .setJoin(JoinRoom.newBuilder()
                                                .setRoomId(room)
                                                .setGameType(GameType.CHESS)
                                                .setRole(Role.PLAYER)
                                                .setSide((Side) seat[1]))
                                        .build(),
                                Duration.ofSeconds(10));
                if (!joined.hasJoined()) {
                    throw new IllegalStateException("honest join of " + room + ": " + joined);
                }
            }
        }

        private void leave(String room) throws Exception {
            for (RoomgateClient player : List.of(white, black)) {
                ServerMessage left = player.request(
                        ClientMessage.newBuilder()
                                .setLeave(LeaveRoom.newBuilder().setRoomId(room))
                                .build(),
                        Duration.ofSeconds(10));
                if (!left.hasLeft()) {
                    throw new IllegalStateException("honest leave of " + room + ": " + left);
                }
            }
        }

        private void play() {
            int room = 0;
            try {
                while (!stopping) {
                    for (int ply = 0; ply < 12 && !stopping; ply++) {
                        RoomgateClient mover = ply % 2 == 0 ? white : black;
                        long start = System.nanoTime();
                        ServerMessage answer = mover.request(
                                ClientMessage.newBuilder()
                                        .setMove(ChessMove.newBuilder()
                                                .setRoomId(roomId)
                                                .setUci(SHUFFLE.get(ply % 4)))
                                        .build(),
                                Duration.ofSeconds(5));
                        long end = System.nanoTime();
                        if (!answer.hasEvent()) {
                            broken = "move " + ply + " in " + roomId + ": " + answer;
                            return;
                        }
                        samples.add(new long[] {end, end - start});
                        Thread.sleep(10);
                    }
                    String next = prefix + "-" + (++room);
                    String previous = roomId;
                    join(next);
                    roomId = next;
                    // As an honest client does: a connection may hold 32 rooms (--max-rooms-per-connection).
                    leave(previous);
                }
            } catch (Exception e) {
                if (!stopping) {
                    broken = e.toString();
                }
            }
        }

        String roomId() {
            return roomId;
        }

        String broken() {
            return broken;
        }

        int moves() {
            return samples.size();
        }

        long movesBetween(long from, long to) {
            synchronized (samples) {
                return samples.stream().filter(s -> s[0] >= from && s[0] <= to).count();
            }
        }

        double p99Millis(long from, long to) {
            long[] latencies;
            synchronized (samples) {
                latencies = samples.stream()
                        .filter(s -> s[0] >= from && s[0] <= to)
                        .mapToLong(s -> s[1])
                        .sorted()
                        .toArray();
            }
            if (latencies.length == 0) {
                return Double.NaN;
            }
            return latencies[Math.min(latencies.length - 1, (int) Math.ceil(latencies.length * 0.99) - 1)] / 1e6;
        }

        void stop() throws InterruptedException {
            stopping = true;
            thread.join(10_000);
            white.close();
            black.close();
        }
    }
}
