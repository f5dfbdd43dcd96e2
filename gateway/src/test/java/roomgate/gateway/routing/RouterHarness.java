package roomgate.gateway.routing;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.session.ClientSession;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.RoomBroadcast;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.link.v1.Welcome;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.ClientFrameCodec;
import roomgate.wire.client.RoomRequests;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkSettings;

/**
 * One {@link Router} with nothing real behind it: its links are embedded channels speaking the
 * link framing, one per connect, which a test reads and answers as the node would; its clients are
 * embedded channels with the client codec; its clock and its loop's timers move only when the test
 * calls {@link #advance}. Everything runs on the test's thread, in the order the test says.
 */
final class RouterHarness {
    /** Not zero: the router reads a give-up time of 0 as "none set". */
    private long nanos = 1_000_000_000L;
    /** Supplies the router's event loop; its timers are frozen and only run from {@link #advance}. */
    private final EmbeddedChannel loopChannel = new EmbeddedChannel();

    private final AtomicReference<NodeView> view = new AtomicReference<>();
    private final Map<String, List<FakeNode>> connects = new HashMap<>();
    final Router router;
    /** The gateway-wide set the router shares, and the nodes it reported as newly unreachable. */
    final UnreachableNodes unreachable;

    final List<NodeInfo> marked = new ArrayList<>();
    /** The nodes whose mark a handshake ended (RouterGroup would tell every loop; a test tells its router). */
    final List<NodeInfo> reachable = new ArrayList<>();

    final GatewayMetrics metrics = GatewayMetrics.disabled();

    /** How much of the link handshake each fake node does by itself as its link opens. */
    enum Handshake {
        /** Challenges, and answers the router's Hello with a valid Welcome: the link is up at once. */
        COMPLETE,
        /** Only challenges: the test answers the Hello ({@link FakeNode#welcome}, or otherwise). */
        CHALLENGE,
        /** Nothing: the test sends the challenge too. */
        NONE
    }

    private Handshake handshake;

    /** The harness's link secret: every fake node checks the Hello against it. */
    static final LinkAuth AUTH =
            LinkAuth.withSecret("harness-link-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8));

    RouterHarness(String... nodeIds) {
        this(Handshake.COMPLETE, nodeIds);
    }

    RouterHarness(Handshake handshake, String... nodeIds) {
        this.handshake = handshake;
        loopChannel.freezeTime();
        setView(nodeIds);
        LinkConnector connector = this::connect;
        unreachable = new UnreachableNodes(view::get, () -> nanos, marked::add, reachable::add);
        router = new Router(
                loopChannel.eventLoop(),
                new LinkOptions("gw-test", LinkSettings.unauthenticated(), AUTH),
                view::get,
                connector,
                metrics,
                () -> nanos,
                unreachable);
        // As RouterGroup does at start-up: a link to every live node.
        router.onViewChanged(view.get());
    }

    static NodeInfo nodeInfo(String nodeId) {
        return new NodeInfo(
                nodeId, nodeId + ".test", 7000, 1, UUID.nameUUIDFromBytes(nodeId.getBytes(StandardCharsets.UTF_8)));
    }

    /** The view the router reads from now on; the router is not told (as when Hazelcast has not said yet). */
    NodeView setView(String... nodeIds) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (String id : nodeIds) {
            nodes.add(nodeInfo(id));
        }
        NodeView next = NodeView.of(view.get() == null ? 1 : view.get().version() + 1, nodes);
        view.set(next);
        return next;
    }

    /** As {@link #setView(String...)}, with nodes made by the test (a restarted member, say). */
    NodeView setView(NodeView next) {
        view.set(next);
        return next;
    }

    NodeView view() {
        return view.get();
    }

    private ChannelFuture connect(EventLoop loop, NodeInfo node, ChannelHandler handler) {
        FakeNode fake = new FakeNode(node, new EmbeddedChannel(handler));
        connects.computeIfAbsent(node.nodeId(), id -> new ArrayList<>()).add(fake);
        // As a node does when it accepts a link: the gateway answers with its Hello, and the node proves
        // itself in turn, after which the link carries what the router held for it.
        if (handshake != Handshake.NONE) {
            fake.challenge();
        }
        if (handshake == Handshake.COMPLETE) {
            fake.welcome(AUTH);
        }
        return fake.channel.newSucceededFuture();
    }

    /** How the fake nodes answer the links the router opens from now on (a probe the test answers itself). */
    void answerNewLinks(Handshake handshake) {
        this.handshake = handshake;
    }

    /** The latest link the router opened to {@code nodeId}. */
    FakeNode node(String nodeId) {
        List<FakeNode> links = connects.get(nodeId);
        if (links == null) {
            throw new AssertionError("the router never connected to " + nodeId);
        }
        return links.get(links.size() - 1);
    }

    /** How many times the router connected to {@code nodeId}. */
    int connectsTo(String nodeId) {
        return connects.getOrDefault(nodeId, List.of()).size();
    }

    /** Moves the router's clock and its loop's timers on together, then runs the timers now due. */
    void advance(long duration, TimeUnit unit) {
        nanos += unit.toNanos(duration);
        loopChannel.advanceTimeBy(duration, unit);
        loopChannel.runScheduledPendingTasks();
    }

    Client client(long sessionId) {
        EmbeddedChannel channel = new EmbeddedChannel(new ClientFrameCodec());
        Client client = new Client(new ClientSession(sessionId, "p" + sessionId, channel), channel);
        router.register(client.session);
        return client;
    }

    /** A room id that rendezvous hashing over the current view, leaving out {@code excluded}, places on {@code nodeId}. */
    String roomOn(String nodeId, Set<String> excluded) {
        return roomOn(view.get(), nodeId, "", excluded);
    }

    /**
     * The first of {@code room-TAG0}, {@code room-TAG1}, ... that rendezvous hashing over {@code view},
     * leaving out {@code excluded}, places on {@code nodeId}.
     */
    static String roomOn(NodeView view, String nodeId, String tag, Set<String> excluded) {
        for (int i = 0; i < 10_000; i++) {
            String roomId = "room-" + tag + i;
            NodeInfo owner = view.ownerOf(roomId, excluded);
            if (owner != null && owner.nodeId().equals(nodeId)) {
                return roomId;
            }
        }
        throw new AssertionError("no room hashes to " + nodeId);
    }

    String roomOn(String nodeId) {
        return roomOn(nodeId, Set.of());
    }

    /** Seats {@code client} in {@code roomId} at {@code nodeId}: the join goes out and the node answers Joined. */
    void seat(Client client, String roomId, String nodeId, long sequence) {
        router.forward(client.session, join(roomId, "join-" + client.session.id()), roomId);
        FakeNode node = node(nodeId);
        SessionRequest request = node.nextRequest();
        if (!RoomRequests.roomIdOf(request.getMessage()).equals(roomId)) {
            throw new AssertionError("join for " + roomId + " went elsewhere: " + request);
        }
        node.send(LinkFrame.newBuilder()
                .setReply(joinedReply(request, nodeId, sequence))
                .build());
        client.received();
    }

    // ------------------------------------------------------------------ messages

    static ClientMessage join(String roomId, String requestId) {
        return ClientMessage.newBuilder()
                .setRequestId(requestId)
                .setJoin(JoinRoom.newBuilder().setRoomId(roomId).setGameType(GameType.CHESS))
                .build();
    }

    static ClientMessage move(String roomId, String requestId, String uci) {
        return ClientMessage.newBuilder()
                .setRequestId(requestId)
                .setMove(ChessMove.newBuilder().setRoomId(roomId).setUci(uci))
                .build();
    }

    static ClientMessage chat(String roomId, String requestId, String text) {
        return ClientMessage.newBuilder()
                .setRequestId(requestId)
                .setChat(SendChat.newBuilder().setRoomId(roomId).setText(text))
                .build();
    }

    static SessionReply joinedReply(SessionRequest request, String nodeId, long sequence) {
        String roomId = request.getMessage().getJoin().getRoomId();
        return SessionReply.newBuilder()
                .setSessionId(request.getSessionId())
                .setRequestId(request.getMessage().getRequestId())
                .setServerMessage(ServerMessage.newBuilder()
                        .setRequestId(request.getMessage().getRequestId())
                        .setJoined(Joined.newBuilder()
                                .setRoomId(roomId)
                                .setOwnerNodeId(nodeId)
                                .setParticipantId(request.getParticipantId())
                                .setLastSequence(sequence))
                        .build()
                        .toByteString())
                .setJoinedRoomId(roomId)
                .setSequence(sequence)
                .build();
    }

    static LinkFrame broadcast(String roomId, long sequence, long originSessionId, String originRequestId) {
        return LinkFrame.newBuilder()
                .setBroadcast(RoomBroadcast.newBuilder()
                        .setRoomId(roomId)
                        .setServerMessage(ServerMessage.newBuilder()
                                .setEvent(
                                        RoomEvent.newBuilder().setRoomId(roomId).setSequence(sequence))
                                .build()
                                .toByteString())
                        .setOriginSessionId(originSessionId)
                        .setOriginRequestId(originRequestId)
                        .setSequence(sequence))
                .build();
    }

    // ------------------------------------------------------------------ the two ends

    /** The node end of one link: what the router wrote to it, and frames written back as the node would. */
    static final class FakeNode {
        final NodeInfo info;
        final EmbeddedChannel channel;
        final byte[] nonce = LinkAuth.newNonce();
        /** The router's Hello once {@link #frames()} has read it, for a Welcome sent afterwards. */
        private Hello readHello;

        FakeNode(NodeInfo info, EmbeddedChannel channel) {
            this.info = info;
            this.channel = channel;
        }

        /**
         * Every frame the router wrote since the last call, in order, the Hello that opens a link
         * included; a Hello must carry the proof for this link's challenge.
         */
        List<LinkFrame> frames() {
            List<LinkFrame> frames = new ArrayList<>();
            for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
                try {
                    int length = out.readInt();
                    if (length != out.readableBytes()) {
                        throw new AssertionError("frame length " + length + " but " + out.readableBytes() + " bytes");
                    }
                    LinkFrame frame = LinkFrame.parseFrom(ByteBufUtil.getBytes(out));
                    if (frame.hasHello()
                            && !AUTH.verify(
                                    nonce,
                                    frame.getHello().getGatewayId(),
                                    info.nodeId(),
                                    frame.getHello().getProof().toByteArray())) {
                        throw new AssertionError("a Hello without the proof for this link's challenge: " + frame);
                    }
                    if (frame.hasHello() && frame.getHello().getGatewayNonce().size() != LinkAuth.NONCE_BYTES) {
                        throw new AssertionError("a Hello without a fresh nonce for the node to answer: " + frame);
                    }
                    if (frame.hasHello()) {
                        readHello = frame.getHello();
                    }
                    frames.add(frame);
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError("the router wrote a frame that does not parse", e);
                } finally {
                    out.release();
                }
            }
            return frames;
        }

        /** The frames the router wrote since the last call, without the Hello. */
        List<LinkFrame> sent() {
            return frames().stream().filter(f -> !f.hasHello()).toList();
        }

        /** The one frame the router wrote since the last call (Hello aside), which must be a request. */
        SessionRequest nextRequest() {
            List<LinkFrame> sent = sent();
            if (sent.size() != 1 || !sent.get(0).hasRequest()) {
                throw new AssertionError("expected one request at " + info.nodeId() + ", got " + sent);
            }
            return sent.get(0).getRequest();
        }

        /** The router's Hello on this link (queued for {@link #frames()} or read by it); null if it sent none. */
        Hello hello() {
            ByteBuf first = (ByteBuf) channel.outboundMessages().peek();
            if (first == null) {
                return readHello;
            }
            ByteBuf frame = first.duplicate();
            frame.skipBytes(4);
            try {
                LinkFrame parsed = LinkFrame.parseFrom(ByteBufUtil.getBytes(frame));
                return parsed.hasHello() ? parsed.getHello() : null;
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError("the router wrote a frame that does not parse", e);
            }
        }

        /** Opens the handshake as a node does: its challenge, with this link's nonce. */
        void challenge() {
            send(LinkFrame.newBuilder()
                    .setChallenge(Challenge.newBuilder()
                            .setNonce(ByteString.copyFrom(nonce))
                            .setNodeId(info.nodeId()))
                    .build());
        }

        /** Answers the router's Hello as a node with {@code auth}'s secret does: a Welcome with its proof. */
        void welcome(LinkAuth auth) {
            Hello hello = hello();
            if (hello == null) {
                throw new AssertionError("no Hello from the router on the link to " + info.nodeId());
            }
            byte[] proof =
                    auth.nodeProof(hello.getGatewayNonce().toByteArray(), nonce, info.nodeId(), hello.getGatewayId());
            send(LinkFrame.newBuilder()
                    .setWelcome(Welcome.newBuilder().setNodeId(info.nodeId()).setProof(ByteString.copyFrom(proof)))
                    .build());
        }

        /** Writes {@code frame} to the router as the node would: length-prefixed protobuf. */
        void send(LinkFrame frame) {
            byte[] bytes = frame.toByteArray();
            ByteBuf wire =
                    Unpooled.buffer(4 + bytes.length).writeInt(bytes.length).writeBytes(bytes);
            channel.writeInbound(wire);
        }

        /** The node's answer to a good Hello: the link is up (and its node reachable). */
        void welcome() {
            welcome(AUTH);
        }

        /** The link drops, as when the node's process dies. */
        void fail() {
            channel.close();
        }
    }

    /** A connected client: its session, and what the router delivered to it. */
    static final class Client {
        final ClientSession session;
        final EmbeddedChannel channel;

        Client(ClientSession session, EmbeddedChannel channel) {
            this.session = session;
            this.channel = channel;
        }

        /** Every message delivered since the last call, in order. */
        List<ServerMessage> received() {
            List<ServerMessage> messages = new ArrayList<>();
            for (BinaryWebSocketFrame out; (out = channel.readOutbound()) != null; ) {
                try {
                    messages.add(ServerMessage.parseFrom(ByteBufUtil.getBytes(out.content())));
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError("a client got a frame that does not parse", e);
                } finally {
                    out.release();
                }
            }
            return messages;
        }
    }
}
