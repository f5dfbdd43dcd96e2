package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;
import roomgate.wire.link.LinkAuth;

/**
 * Intruders on the node link ports of a real cluster (2 nodes, 1 gateway), for a few seconds on
 * many connections at once: each says Hello as a gateway without the secret (a forged proof, or the
 * proof an honest gateway made for another connection's challenge), then tries to Rejoin a victim's
 * room with the victim's participant id and move for it. Every node closes each with nothing served
 * and counts it; the victim keeps its seat and moves as before. The attacked processes are the
 * nodes, so {@link AttackMeter} reads their RSS, and the gateway's, whose links to those nodes the
 * honest game (and the victim) play through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkIntruderSystemTest {
    /** Intruder connections open at once; each runs connect, Hello, Rejoin, move, closed, again. */
    private static final int INTRUDERS = 8;

    private static final long FLOOD_MS = 2_000;
    private static final String REFUSED = "roomgate_node_links_refused_total";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LocalCluster cluster;
    private AttackMeter meter;
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    void start() throws Exception {
        cluster = LocalCluster.start("link-intruder", 2, 1);
        List<ServiceProcess> attackedAndGateway =
                new ArrayList<>(cluster.nodes().values());
        attackedAndGateway.add(cluster.gateway(0));
        meter = AttackMeter.start(
                "link-intruder",
                new HonestGame(
                        RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY),
                        RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY),
                        "honest-" + run),
                attackedAndGateway,
                attackedAndGateway);
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

    @Test
    void intrudersOnTheLinkPortsAreClosedAndCannotRejoinOrMoveForAVictim() throws Exception {
        String roomId = "victim-" + run;
        RoomgateClient victim = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY);
        RoomgateClient opponent = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY);
        String victimId = join(victim, roomId, Side.WHITE).getJoined().getParticipantId();
        join(opponent, roomId, Side.BLACK);

        // What the intruder would have from a recorded honest link: a Hello made for another challenge.
        LinkAuth honestAuth = LinkAuth.fromFile(cluster.linkSecretFile());
        LinkAuth wrongSecret = LinkAuth.withSecret(
                "not-the-cluster-secret-but-32-bytes-long".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<String> nodeIds = List.copyOf(cluster.nodes().keySet());
        Map<String, Double> refusedBefore = refusals(nodeIds);
        AtomicInteger attempts = new AtomicInteger();
        Map<String, LongAdder> closed = new ConcurrentHashMap<>();
        meter.attack(
                "link-port intruders",
                INTRUDERS + " connections at a time for " + FLOOD_MS / 1000 + " s to both nodes' link ports,"
                        + " each: Hello as gw-1 with a forged or a replayed proof, Rejoin as the victim, a move",
                () -> {
                    String answered = AttackMeter.repeatFor(FLOOD_MS, INTRUDERS, () -> {
                        int attempt = attempts.getAndIncrement();
                        String nodeId = nodeIds.get(attempt % nodeIds.size());
                        boolean forged = attempt / nodeIds.size() % 2 == 0;
                        byte[] proof = forged
                                ? wrongSecret.proof(new byte[LinkAuth.NONCE_BYTES], "gw-1", nodeId)
                                : honestAuth.proof(LinkAuth.newNonce(), "gw-1", nodeId);
                        int linkPort = Integer.parseInt(
                                cluster.nodes().get(nodeId).readyFields().get("link-port"));
                        List<LinkFrame> served = intrude(linkPort, proof, roomId, victimId);
                        assertThat(served)
                                .as("only the node's challenge (and heartbeats) before it closed")
                                .isNotEmpty()
                                .allSatisfy(f -> assertThat(f.hasChallenge() || f.hasHeartbeat())
                                        .isTrue());
                        String answer = "Hello with a " + (forged ? "forged" : "replayed") + " proof to " + nodeId
                                + ": served nothing but its challenge (and heartbeats), then closed";
                        closed.computeIfAbsent(answer, k -> new LongAdder()).increment();
                        return answer;
                    });
                    assertThat(closed).as("both proofs at both nodes").hasSize(2 * nodeIds.size());
                    awaitRefusals(nodeIds, refusedBefore, attempts.get());
                    return answered + "; in all: " + closed + "; the nodes counted all " + attempts.get() + " in "
                            + REFUSED + "{reason=bad_proof}";
                });

        ServerMessage moved = victim.request(
                ClientMessage.newBuilder()
                        .setMove(ChessMove.newBuilder().setRoomId(roomId).setUci("e2e4"))
                        .build(),
                Duration.ofSeconds(10));
        assertThat(moved.hasEvent())
                .as("the victim still holds its seat: %s", moved)
                .isTrue();
        victim.close();
        opponent.close();
    }

    /** The links each node refused for a Hello with a bad proof so far. */
    private Map<String, Double> refusals(List<String> nodeIds) throws Exception {
        Map<String, Double> counts = new HashMap<>();
        for (String nodeId : nodeIds) {
            // bad_proof only: the frames an intruder sent behind its Hello are counted too (no_hello), as
            // many as reached the node before it closed.
            counts.put(nodeId, Metrics.scrape(HTTP, cluster.nodeMetrics(nodeId)).value(REFUSED, "reason", "bad_proof"));
        }
        return counts;
    }

    /** Waits until the nodes together have refused exactly {@code attempts} more bad proofs than {@code before}. */
    private void awaitRefusals(List<String> nodeIds, Map<String, Double> before, int attempts) {
        double earlier =
                before.values().stream().mapToDouble(Double::doubleValue).sum();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(refusals(nodeIds).values().stream()
                                        .mapToDouble(Double::doubleValue)
                                        .sum()
                                - earlier)
                        .as("links refused by the nodes since the flood began")
                        .isEqualTo(attempts));
    }

    private static ServerMessage join(RoomgateClient client, String roomId, Side side) throws Exception {
        ServerMessage joined = client.request(
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(roomId)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.PLAYER)
                                .setSide(side))
                        .build(),
                Duration.ofSeconds(10));
        assertThat(joined.hasJoined()).as("join: %s", joined).isTrue();
        return joined;
    }

    /** Connects to a link port, sends a Hello with {@code proof}, a Rejoin as the victim and a move; returns what came back. */
    private static List<LinkFrame> intrude(int port, byte[] proof, String roomId, String victimId) throws IOException {
        List<LinkFrame> received = new ArrayList<>();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            received.add(read(in));
            try {
                write(
                        out,
                        LinkFrame.newBuilder()
                                .setHello(
                                        Hello.newBuilder().setGatewayId("gw-1").setProof(ByteString.copyFrom(proof)))
                                .build());
                write(
                        out,
                        LinkFrame.newBuilder()
                                .setRejoin(Rejoin.newBuilder()
                                        .setRoomId(roomId)
                                        .addSessions(RejoinSession.newBuilder()
                                                .setSessionId(424242)
                                                .setParticipantId(victimId)))
                                .build());
                write(
                        out,
                        LinkFrame.newBuilder()
                                .setRequest(SessionRequest.newBuilder()
                                        .setSessionId(424242)
                                        .setParticipantId(victimId)
                                        .setMessage(ClientMessage.newBuilder()
                                                .setRequestId("stolen")
                                                .setMove(ChessMove.newBuilder()
                                                        .setRoomId(roomId)
                                                        .setUci("e2e4"))))
                                .build());
            } catch (IOException closedAlready) {
                // The node may close before the later frames are written: what is expected.
            }
            try {
                for (; ; ) {
                    received.add(read(in));
                }
            } catch (EOFException | SocketException closed) {
                return received;
            }
        }
    }

    private static LinkFrame read(DataInputStream in) throws IOException {
        int length = in.readInt();
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return LinkFrame.parseFrom(bytes);
    }

    private static void write(DataOutputStream out, LinkFrame frame) throws IOException {
        byte[] bytes = frame.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }
}
