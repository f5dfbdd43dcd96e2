package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;

/**
 * One hostile client at a time against a gateway (2 nodes, 1 gateway, each its own JVM) while an
 * honest chess game plays beside it, measured by {@link AttackMeter} (the gateway's RSS). Each
 * attack passes when the meter's conditions hold and the attacker's connection was closed (or, for
 * text, its request refused). The gateway runs with short timeouts so that the whole
 * class takes well under 90 s; the attackers connect from {@link RawClient#ATTACKER}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileClientSystemTest {
    private static final int HTTP_TIMEOUT_S = 2;
    private static final int IDLE_TIMEOUT_S = 3;
    private static final int PER_ADDRESS = 50;
    /** How long an attack may take to be closed: its deadline and a second more. */
    private static final long CLOSE_WITHIN_MS = 6_000;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LocalCluster cluster;
    private int port;
    private AttackMeter meter;
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
        List<ServiceProcess> all = new ArrayList<>(cluster.nodes().values());
        all.add(cluster.gateway(0));
        meter = AttackMeter.start(
                "hostile",
                new HonestGame(
                        RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY),
                        RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY),
                        "honest-" + run),
                all,
                List.of(cluster.gateway(0)));
    }

    @AfterAll
    void stop() throws Exception {
        if (meter != null) {
            meter.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
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
        meter.attack(
                "ping flood",
                "WebSocket pings (6-byte frames, 10,000 per write) for up to 10 s, reading nothing;"
                        + " again on a new connection for 2 s",
                () -> AttackMeter.repeatFor(2_000, 1, () -> {
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
        meter.attack(
                "pipelined HTTP",
                "keep-alive 'GET /nope' requests, 1,000 per write, for up to 10 s, reading nothing;"
                        + " again on a new connection for 2 s",
                () -> AttackMeter.repeatFor(2_000, 1, () -> {
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
        meter.attack("slow upgrade", "20 sockets sending the upgrade request at 1 byte/s", () -> {
            List<RawClient> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(new RawClient(port));
            }
            byte[] request = clients.get(0).upgradeRequest().getBytes();
            long start = System.nanoTime();
            int sent = 0;
            // Each socket's first answer, kept: a later read of the same socket finds only its EOF.
            Map<RawClient, String> endings = new HashMap<>();
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
                for (RawClient client : clients) {
                    if (endings.containsKey(client)) {
                        continue;
                    }
                    RawClient.Ending ending = client.readToEnd(1);
                    if (ending.closed() || ending.bytes().length > 0) {
                        endings.put(client, ending.text().lines().findFirst().orElse(ending.how()));
                    }
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            clients.forEach(RawClient::close);
            assertThat(endings.values()).hasSize(20).allMatch(e -> e.startsWith("HTTP/1.1 408"));
            return endings.size() + "/20 answered '" + endings.get(clients.get(0)) + "' and closed within " + millis
                    + " ms, after " + sent + " bytes each";
        });
    }

    @Test
    @Order(4)
    void silentSockets() throws Exception {
        meter.attack(
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
                                    .setRoomId(meter.honestRoomId())
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
        // On a crowded machine the gateway may still be closing the earlier attacks' sockets, which
        // count against the cap: start when only the honest game's two connections are open.
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        Metrics.scrape(HTTP, cluster.gatewayMetrics(0)).value("roomgate_gateway_connections") == 2);
        meter.attack(
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
        meter.attack(
                "fragment floods",
                "(a) one message in 16,384 one-byte continuation frames; (b) messages of 60"
                        + " fragments (under the cap) back to back; again for 2 s",
                () -> AttackMeter.repeatFor(2_000, 1, () -> {
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
        meter.attack(
                "display names and chat",
                "50 spectator joins of the honest room with 16,200-char display names,"
                        + " one with an ANSI escape, one with a bidi override, a 600-char chat line; again for 2 s",
                () -> AttackMeter.repeatFor(2_000, 1, () -> {
                    try (RoomgateClient client = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY)) {
                        List<String> answers = Collections.synchronizedList(new ArrayList<>());
                        List<String> names = new ArrayList<>(Collections.nCopies(50, "n".repeat(16_200)));
                        names.add("\u001b[2Jcleared");
                        names.add("admin\u202Egnp.exe");
                        for (String name : names) {
                            ServerMessage reply = client.request(
                                    ClientMessage.newBuilder()
                                            .setJoin(JoinRoom.newBuilder()
                                                    .setRoomId(meter.honestRoomId())
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
                                                .setRoomId(meter.honestRoomId())
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
        meter.attack(
                "malformed input",
                "(a) 1,000 malformed binary frames; (b) one 20,000-byte frame; (c) GET /health"
                        + " with a 9,000-byte header; again for 2 s",
                () -> AttackMeter.repeatFor(2_000, 1, () -> {
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
        meter.attack(
                "rooms per connection",
                "one connection joins 100 chess rooms as a spectator, one after another",
                () -> {
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
                                assertThat(reply.getError().getCode())
                                        .as("join %d", i)
                                        .isEqualTo(ErrorCode.TOO_MANY_ROOMS);
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
}
