package roomgate.node.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.registry.RoomArchive;
import roomgate.node.registry.RoomRegistry;
import roomgate.node.replication.LocalRoomStore;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.HandoffReady;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.SessionClosed;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.runtime.net.Transport;
import roomgate.testsupport.fuzz.LinkFuzz;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkSettings;

/**
 * Fuzzes a node's link port as it runs (NodeLinkServer: the link framing and NodeLinkHandler, in
 * front of a started RoomRegistry), over loopback TCP: random bytes and mutated gateway frames
 * (hello, joins, moves, chat, rejoins, closed sessions, handoff answers). The node keeps serving:
 * after every attack a fresh link is welcomed and a join is answered; an oversized length prefix
 * closes its link at once, without the node allocating it. Seeded: {@code -Dfuzz.seed=N} repeats a run.
 */
class NodeLinkFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final String NODE = "fuzz-node";
    private static NodeLinkServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        RoomRegistry.instance()
                .start(
                        new RoomRegistry.Settings(
                                NODE,
                                1,
                                Duration.ofMinutes(1),
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(60),
                                RoomArchive.NONE,
                                NodeMetrics.disabled()),
                        new LocalRoomStore(),
                        NodeView::empty,
                        () -> Set.of(NODE));
        // Unauthenticated links, so the fuzzed frames reach the decoders behind the handshake
        // (NodeLinkAuthTest covers the handshake itself).
        LinkSettings links = LinkSettings.unauthenticated();
        server = NodeLinkServer.start(
                Transport.NIO,
                "127.0.0.1",
                0,
                1,
                RoomRegistry.instance(),
                new SimpleMeterRegistry(),
                links,
                links.auth());
    }

    @AfterAll
    static void stop() {
        server.close();
        RoomRegistry.instance().stop();
    }

    private static SessionRequest request(long sessionId, ClientMessage.Builder message) {
        return SessionRequest.newBuilder()
                .setSessionId(sessionId)
                .setParticipantId("fuzz-" + sessionId)
                .setMessage(message)
                .build();
    }

    private static ClientMessage.Builder join(String room) {
        return ClientMessage.newBuilder()
                .setRequestId("j")
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId(room)
                        .setGameType(GameType.CHESS)
                        .setRole(Role.SPECTATOR));
    }

    private static LinkFrame frame(Random r) {
        String room = "fuzz-" + r.nextInt(4);
        long session = r.nextInt(8);
        return switch (r.nextInt(7)) {
            case 0 ->
                LinkFrame.newBuilder()
                        .setHello(Hello.newBuilder()
                                .setGatewayId("gw-" + r.nextInt())
                                .setGatewayNonce(ByteString.copyFrom(LinkAuth.newNonce())))
                        .build();
            case 1 ->
                LinkFrame.newBuilder().setRequest(request(session, join(room))).build();
            case 2 ->
                LinkFrame.newBuilder()
                        .setRequest(request(
                                session,
                                ClientMessage.newBuilder()
                                        .setMove(ChessMove.newBuilder()
                                                .setRoomId(room)
                                                .setUci("e2e4"))))
                        .build();
            case 3 ->
                LinkFrame.newBuilder()
                        .setRequest(request(
                                session,
                                ClientMessage.newBuilder()
                                        .setChat(SendChat.newBuilder()
                                                .setRoomId(room)
                                                .setText("hi"))))
                        .build();
            case 4 ->
                LinkFrame.newBuilder()
                        .setRejoin(Rejoin.newBuilder()
                                .setRoomId(room)
                                .addSessions(RejoinSession.newBuilder()
                                        .setSessionId(session)
                                        .setParticipantId("fuzz-" + session)
                                        .setLastSequence(r.nextInt(5))))
                        .build();
            case 5 ->
                LinkFrame.newBuilder()
                        .setSessionClosed(
                                SessionClosed.newBuilder().setSessionId(session).addRoomIds(room))
                        .build();
            default ->
                LinkFrame.newBuilder()
                        .setHandoffReady(HandoffReady.newBuilder().setRoomId(room))
                        .build();
        };
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static LinkFrame read(DataInputStream in) throws IOException {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return LinkFrame.parseFrom(body);
    }

    /** A fresh link is welcomed and a join on it answered: the node still serves. */
    private static void assertTheNodeServes(String room) throws IOException {
        try (Socket socket = connect()) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            socket.getOutputStream()
                    .write(LinkFuzz.framed(
                            LinkFrame.newBuilder()
                                    .setHello(Hello.newBuilder().setGatewayId("gw-check"))
                                    .build(),
                            LinkFrame.newBuilder()
                                    .setRequest(request(100, join(room)))
                                    .build()));
            assertThat(read(in).hasChallenge())
                    .as("every link opens with the node's challenge")
                    .isTrue();
            LinkFrame welcome = read(in);
            assertThat(welcome.getWelcome().getNodeId()).isEqualTo(NODE);
            assertThat(welcome.getWelcome().getProof().isEmpty())
                    .as("no proof with --link-auth none")
                    .isTrue();
            LinkFrame reply = read(in);
            while (reply.hasBroadcast()) {
                reply = read(in);
            }
            assertThat(reply.getReply().getJoinedRoomId()).isEqualTo(room);
        }
    }

    @Test
    void randomAndMutatedGatewayFramesLeaveTheNodeServing() throws Exception {
        for (int i = 0; i < 60; i++) {
            Random r = new Random(SEED * 1_000_003L + i);
            byte[] stream;
            if (r.nextInt(4) == 0) {
                stream = new byte[r.nextInt(4096)];
                r.nextBytes(stream);
            } else {
                LinkFrame[] frames = new LinkFrame[1 + r.nextInt(10)];
                for (int f = 0; f < frames.length; f++) {
                    frames[f] = frame(r);
                }
                stream = LinkFuzz.mutated(r, LinkFuzz.framed(frames), 3);
            }
            try (Socket socket = connect()) {
                socket.getOutputStream().write(stream);
                socket.shutdownOutput();
                // Whatever it answers, until it closes the link or stops answering.
                socket.setSoTimeout(200);
                try {
                    socket.getInputStream().readAllBytes();
                } catch (SocketTimeoutException | java.net.SocketException e) {
                    // still open, or reset: either is the node's to choose
                }
            }
            if (i % 10 == 9) {
                try {
                    assertTheNodeServes("check-" + i);
                } catch (AssertionError | IOException e) {
                    throw new AssertionError("after try " + i + "; -Dfuzz.seed=" + SEED + " repeats it", e);
                }
            }
        }
    }

    @Test
    void anOversizedLengthPrefixClosesTheLinkAtOnce() throws Exception {
        Random r = new Random(SEED);
        for (int i = 0; i < 20; i++) {
            int length = 4 * 1024 * 1024 + 1 + r.nextInt(Integer.MAX_VALUE - 4 * 1024 * 1024 - 1);
            try (Socket socket = connect()) {
                new DataOutputStream(socket.getOutputStream()).writeInt(length);
                socket.getOutputStream().write(new byte[1024]);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                assertThat(read(in).hasChallenge())
                        .as("every link opens with the node's challenge")
                        .isTrue();
                assertThat(in.read())
                        .as("the link is closed, length %d; -Dfuzz.seed=%d", length, SEED)
                        .isEqualTo(-1);
            }
        }
        assertTheNodeServes("after-oversized");
    }
}
