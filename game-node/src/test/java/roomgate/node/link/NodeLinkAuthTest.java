package roomgate.node.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.registry.RoomArchive;
import roomgate.node.registry.RoomRegistry;
import roomgate.node.replication.LocalRoomStore;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.link.v1.Welcome;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.runtime.net.Transport;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkSettings;

/**
 * An intruder on a real node's link port (loopback): a Hello without the right proof, a Hello
 * replayed from another connection, and a request before any Hello are each answered by closing the
 * connection, and nothing the intruder sends after reaches a room; a gateway with the secret is
 * welcomed and served on the same port.
 */
class NodeLinkAuthTest {
    private static final String NODE_ID = "node-auth-test";
    private static final byte[] SECRET = "a-link-secret-of-at-least-thirty-two-bytes".getBytes(StandardCharsets.UTF_8);
    private static final LinkAuth AUTH = LinkAuth.withSecret(SECRET);

    private final RoomRegistry registry = RoomRegistry.instance();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private NodeLinkServer server;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        // As a node starts: the secret from its file, the timing from the settings.
        Path secretFile = Files.write(dir.resolve("link-secret"), SECRET);
        LinkSettings settings =
                new LinkSettings(LinkSettings.Mode.SECRET, secretFile, Duration.ofSeconds(1), Duration.ofSeconds(30));
        registry.start(
                new RoomRegistry.Settings(
                        NODE_ID,
                        1,
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(60),
                        RoomArchive.NONE,
                        NodeMetrics.disabled()),
                new LocalRoomStore(),
                NodeView::empty,
                () -> Set.of(NODE_ID));
        try {
            server =
                    NodeLinkServer.start(Transport.NIO, "127.0.0.1", 0, 1, registry, meters, settings, settings.auth());
        } catch (Exception | Error e) {
            registry.stop();
            throw e;
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        registry.stop();
    }

    @Test
    void aGatewayWithTheSecretIsWelcomedWithTheNodesProofAndServed() throws IOException {
        try (Peer gateway = new Peer(server.port())) {
            Challenge challenge = gateway.challenge();
            byte[] gatewayNonce = LinkAuth.newNonce();
            gateway.send(hello("gw-1", AUTH.proof(challenge.getNonce().toByteArray(), "gw-1", NODE_ID), gatewayNonce));
            Welcome welcome = gateway.nextNonHeartbeat().getWelcome();
            assertThat(welcome.getNodeId()).isEqualTo(NODE_ID);
            assertThat(AUTH.verifyNode(
                            gatewayNonce,
                            challenge.getNonce().toByteArray(),
                            NODE_ID,
                            "gw-1",
                            welcome.getProof().toByteArray()))
                    .as("the Welcome answers this Hello's nonce")
                    .isTrue();
            assertThat(AUTH.verifyNode(
                            LinkAuth.newNonce(),
                            challenge.getNonce().toByteArray(),
                            NODE_ID,
                            "gw-1",
                            welcome.getProof().toByteArray()))
                    .as("and no other")
                    .isFalse();
            gateway.send(join("room-a", 1));
            LinkFrame reply = gateway.nextNonHeartbeat();
            assertThat(reply.getReply().getJoinedRoomId()).isEqualTo("room-a");
        }
        assertThat(refused(LinkRefusals.Reason.BAD_PROOF)).isZero();
    }

    @Test
    void aHelloWithAWrongProofIsClosedAndItsRejoinReachesNoRoom() throws IOException {
        byte[] wrong = LinkAuth.withSecret(
                        "another-secret-that-is-thirty-two-bytes-long".getBytes(StandardCharsets.UTF_8))
                .proof(new byte[LinkAuth.NONCE_BYTES], "gw-x", NODE_ID);
        try (Peer intruder = new Peer(server.port())) {
            Challenge challenge = intruder.challenge();
            byte[] forged = LinkAuth.withSecret(
                            "another-secret-that-is-thirty-two-bytes-long".getBytes(StandardCharsets.UTF_8))
                    .proof(challenge.getNonce().toByteArray(), "gw-1", NODE_ID);
            intruder.sendQuietly(hello("gw-1", forged));
            intruder.sendQuietly(rejoin("room-a", "victim-participant"));
            intruder.sendQuietly(join("room-a", 7));
            assertThat(intruder.framesUntilClosed())
                    .as("nothing after the challenge")
                    .isEmpty();
        }
        try (Peer intruder = new Peer(server.port())) {
            intruder.challenge();
            intruder.sendQuietly(hello("gw-1", wrong));
            assertThat(intruder.framesUntilClosed()).isEmpty();
        }
        assertThat(refused(LinkRefusals.Reason.BAD_PROOF)).isEqualTo(2);
        assertThat(registry.roomCount())
                .as("no room was loaded for the intruder")
                .isZero();
    }

    @Test
    void aHelloReplayedOnAnotherConnectionIsClosed() throws IOException {
        LinkFrame captured;
        try (Peer gateway = new Peer(server.port())) {
            Challenge challenge = gateway.challenge();
            captured = hello("gw-1", AUTH.proof(challenge.getNonce().toByteArray(), "gw-1", NODE_ID));
            gateway.send(captured);
            assertThat(gateway.nextNonHeartbeat().hasWelcome()).isTrue();
        }
        try (Peer replayer = new Peer(server.port())) {
            replayer.challenge();
            replayer.sendQuietly(captured);
            replayer.sendQuietly(rejoin("room-a", "victim-participant"));
            assertThat(replayer.framesUntilClosed()).isEmpty();
        }
        assertThat(refused(LinkRefusals.Reason.BAD_PROOF)).isEqualTo(1);
        assertThat(registry.roomCount()).isZero();
    }

    @Test
    void aRequestBeforeAnyHelloIsClosed() throws IOException {
        try (Peer intruder = new Peer(server.port())) {
            intruder.challenge();
            intruder.sendQuietly(join("room-a", 9));
            assertThat(intruder.framesUntilClosed()).isEmpty();
        }
        assertThat(refused(LinkRefusals.Reason.NO_HELLO)).isEqualTo(1);
        assertThat(registry.roomCount()).isZero();
    }

    private double refused(LinkRefusals.Reason reason) {
        return meters.get("roomgate.node.links.refused")
                .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                .counter()
                .count();
    }

    private static LinkFrame hello(String gatewayId, byte[] proof) {
        return hello(gatewayId, proof, LinkAuth.newNonce());
    }

    private static LinkFrame hello(String gatewayId, byte[] proof, byte[] gatewayNonce) {
        return LinkFrame.newBuilder()
                .setHello(Hello.newBuilder()
                        .setGatewayId(gatewayId)
                        .setProof(ByteString.copyFrom(proof))
                        .setGatewayNonce(ByteString.copyFrom(gatewayNonce)))
                .build();
    }

    private static LinkFrame join(String roomId, long sessionId) {
        return LinkFrame.newBuilder()
                .setRequest(SessionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setParticipantId("p" + sessionId)
                        .setMessage(ClientMessage.newBuilder()
                                .setRequestId("j" + sessionId)
                                .setJoin(JoinRoom.newBuilder().setRoomId(roomId).setGameType(GameType.CHESS))))
                .build();
    }

    private static LinkFrame rejoin(String roomId, String participantId) {
        return LinkFrame.newBuilder()
                .setRejoin(Rejoin.newBuilder()
                        .setRoomId(roomId)
                        .addSessions(RejoinSession.newBuilder().setSessionId(1).setParticipantId(participantId)))
                .build();
    }

    /** A raw TCP peer speaking the link framing: a 4-byte length, then a LinkFrame. */
    private static final class Peer implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;

        Peer(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
        }

        Challenge challenge() throws IOException {
            LinkFrame first = next();
            assertThat(first.hasChallenge())
                    .as("the node's first frame: %s", first)
                    .isTrue();
            assertThat(first.getChallenge().getNodeId()).isEqualTo(NODE_ID);
            assertThat(first.getChallenge().getNonce().size()).isEqualTo(LinkAuth.NONCE_BYTES);
            return first.getChallenge();
        }

        LinkFrame next() throws IOException {
            int length = in.readInt();
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return LinkFrame.parseFrom(bytes);
        }

        LinkFrame nextNonHeartbeat() throws IOException {
            for (; ; ) {
                LinkFrame frame = next();
                if (!frame.hasHeartbeat()) {
                    return frame;
                }
            }
        }

        void send(LinkFrame frame) throws IOException {
            byte[] bytes = frame.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
        }

        /** Sends, or not if the node has closed the connection already (it may, after the first). */
        void sendQuietly(LinkFrame frame) {
            try {
                send(frame);
            } catch (IOException closed) {
                // The node closed it: what the test expects.
            }
        }

        /** Every frame but heartbeats the node sends until it closes the connection (a read timeout fails). */
        List<LinkFrame> framesUntilClosed() throws IOException {
            List<LinkFrame> frames = new ArrayList<>();
            try {
                for (; ; ) {
                    LinkFrame frame = next();
                    if (!frame.hasHeartbeat()) {
                        frames.add(frame);
                    }
                }
            } catch (EOFException | SocketException closed) {
                return frames;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
