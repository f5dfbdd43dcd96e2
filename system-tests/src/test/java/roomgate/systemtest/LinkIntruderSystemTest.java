package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * An intruder on the node link ports of a real cluster: it says Hello as a gateway without the
 * secret (and again with the Hello an honest gateway would have sent on another connection), then
 * tries to Rejoin a victim's room with the victim's participant id and move for it. Every node
 * closes it with nothing served; the victim keeps its seat and moves as before, and an honest game
 * plays throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkIntruderSystemTest {
    private LocalCluster cluster;
    private HonestGame honest;
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    void start() throws Exception {
        cluster = LocalCluster.start("link-intruder", 2, 1);
        honest = new HonestGame(
                RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY),
                RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY),
                "honest-" + run);
        honest.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (honest != null) {
            honest.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anIntruderOnTheLinkPortIsClosedAndCannotRejoinOrMoveForAVictim() throws Exception {
        String roomId = "victim-" + run;
        RoomgateClient victim = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY);
        RoomgateClient opponent = RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY);
        String victimId = join(victim, roomId, Side.WHITE).getJoined().getParticipantId();
        join(opponent, roomId, Side.BLACK);

        // What the intruder would have from a recorded honest link: a Hello made for another challenge.
        LinkAuth honestAuth = LinkAuth.fromFile(cluster.linkSecretFile());

        for (Map.Entry<String, ServiceProcess> node : cluster.nodes().entrySet()) {
            int linkPort = Integer.parseInt(node.getValue().readyFields().get("link-port"));
            byte[] forged = LinkAuth.withSecret("not-the-cluster-secret-but-32-bytes-long"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .proof(new byte[LinkAuth.NONCE_BYTES], "gw-1", node.getKey());
            byte[] replayed = honestAuth.proof(LinkAuth.newNonce(), "gw-1", node.getKey());
            for (byte[] proof : List.of(forged, replayed)) {
                List<LinkFrame> served = intrude(linkPort, proof, roomId, victimId);
                System.out.printf(
                        "[link-intruder] %s at port %d, Hello with a %s proof, then Rejoin as %s and a move:"
                                + " answered %s, then closed%n",
                        node.getKey(),
                        linkPort,
                        proof == forged ? "forged" : "replayed",
                        victimId,
                        served.stream().map(f -> f.getBodyCase().name()).toList());
                assertThat(served)
                        .as("only the node's challenge (and heartbeats) before it closed")
                        .allSatisfy(f ->
                                assertThat(f.hasChallenge() || f.hasHeartbeat()).isTrue());
            }
        }

        ServerMessage moved = victim.request(
                ClientMessage.newBuilder()
                        .setMove(ChessMove.newBuilder().setRoomId(roomId).setUci("e2e4"))
                        .build(),
                Duration.ofSeconds(10));
        assertThat(moved.hasEvent())
                .as("the victim still holds its seat: %s", moved)
                .isTrue();
        assertThat(cluster.nodes().values()).allMatch(ServiceProcess::isAlive);
        assertThat(cluster.gateway(0).isAlive()).isTrue();
        assertThat(honest.broken()).as("the honest game").isNull();
        victim.close();
        opponent.close();
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
