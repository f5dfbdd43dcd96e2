package roomgate.gateway.routing;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.gateway.metrics.GatewayMetrics.LinkRefusal;
import roomgate.placement.NodeInfo;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Welcome;
import roomgate.runtime.LogThrottle;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkCodec;
import roomgate.wire.link.LinkLiveness;
import roomgate.wire.link.RoomEventFrame;

/**
 * A long-lived link from one gateway event loop to one game node. It is opened on the loop of the
 * sessions it serves, through a {@link LinkConnector}, so a node's reply is handed to a session on
 * the same thread, without locks. Frames sent before the link is up are held and sent once it is.
 *
 * <p>The link is up once both ends proved they hold the link secret ({@link LinkAuth}): the node
 * challenges, this answers with its proof and a nonce of its own, and the node's Welcome must answer
 * that nonce. Until then this sends nothing but its Hello and takes nothing from the node: anything
 * else, a wrong or missing proof, or no Welcome within the link timeout closes the link, which makes
 * the node unreachable as any failed link does, and its held frames are routed elsewhere. So a
 * process that took a dead node's address never sees a client's request.
 */
final class NodeLink extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(NodeLink.class);
    /**
     * One for the process, as the logger is: a node the gateway cannot reach is probed about once a
     * second, and each failed connect is logged only once per 30 s after the first.
     */
    private static final ConnectFailureLog CONNECT_FAILURES =
            new ConnectFailureLog(Duration.ofSeconds(30), System::nanoTime);

    private final Router router;
    private final NodeInfo node;
    private final LinkOptions options;
    /** On the router's clock: a handshake ends an unreachable mark only if it began after the mark. */
    private final long openedNanos;

    /** Frames for the node, held until it has proven itself; null once it has (the link is up). */
    private List<LinkFrame> pending = new ArrayList<>();

    private Channel channel;
    private boolean closed;
    /** The node's challenge and ours, set when our Hello answers it: what the node's Welcome must answer. */
    private byte[] challengeNonce;

    private byte[] gatewayNonce;
    /** Set when this end closed the link for a missing or wrong proof: nothing more is read from it. */
    private boolean refused;

    private ScheduledFuture<?> handshakeTimeout;

    private NodeLink(Router router, NodeInfo node, LinkOptions options) {
        this.router = router;
        this.openedNanos = router.nanoTime();
        this.node = node;
        this.options = options;
    }

    static NodeLink open(Router router, EventLoop loop, NodeInfo node, LinkConnector connector, LinkOptions options) {
        NodeLink link = new NodeLink(router, node, options);
        ChannelFuture connect = connector.connect(loop, node, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                LinkCodec.install(ch.pipeline());
                LinkLiveness.install(
                        ch.pipeline(),
                        options.settings(),
                        why -> log.warn("link to node {} dropped: {}", node.nodeId(), why));
                ch.pipeline().addLast(link);
            }
        });
        link.channel = connect.channel();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                link.router.metrics().linkUp(link.channel);
            } else {
                long heldBack = CONNECT_FAILURES.failed(node.nodeId());
                if (heldBack != LogThrottle.HOLD) {
                    log.warn(
                            "link to node {} at {}:{} failed: {}{}",
                            node.nodeId(),
                            node.linkHost(),
                            node.linkPort(),
                            f.cause().toString(),
                            heldBack == 0
                                    ? ""
                                    : " (" + heldBack + " more failed attempts not logged since the last such line)");
                }
                link.onClosed();
            }
        });
        return link;
    }

    NodeInfo node() {
        return node;
    }

    long openedNanos() {
        return openedNanos;
    }

    /** Whether the node proved itself and answered the handshake (its Welcome) on this link. */
    boolean isWelcomed() {
        return pending == null && !refused;
    }

    boolean isClosed() {
        return closed;
    }

    /** Queues a frame for the node; false if the link is closed and the frame was not taken. */
    boolean send(LinkFrame frame) {
        if (closed) {
            return false;
        }
        if (pending != null) {
            pending.add(frame);
        } else {
            channel.writeAndFlush(frame, channel.voidPromise());
        }
        return true;
    }

    /** The node's challenge: answered with our proof and a nonce of our own, which the node must answer. */
    private void onChallenge(Challenge challenge) {
        if (gatewayNonce != null) {
            refuse(LinkRefusal.UNEXPECTED, "a second challenge");
            return;
        }
        if (!challenge.getNodeId().equals(node.nodeId())) {
            // Another process at the address (the node restarted under a new id): not the node we meant.
            refuse(LinkRefusal.BAD_CHALLENGE, "the challenge of node '" + challenge.getNodeId() + "' instead");
            return;
        }
        byte[] nonce = challenge.getNonce().toByteArray();
        if (options.auth().required() && nonce.length != LinkAuth.NONCE_BYTES) {
            // Nodes always send 32 bytes; an impostor choosing what we sign gets nothing of another length.
            refuse(LinkRefusal.BAD_CHALLENGE, "a challenge nonce of " + nonce.length + " bytes");
            return;
        }
        challengeNonce = nonce;
        gatewayNonce = LinkAuth.newNonce();
        byte[] proof = options.auth().proof(nonce, options.gatewayId(), node.nodeId());
        channel.writeAndFlush(
                LinkFrame.newBuilder()
                        .setHello(Hello.newBuilder()
                                .setGatewayId(options.gatewayId())
                                .setProof(ByteString.copyFrom(proof))
                                .setGatewayNonce(ByteString.copyFrom(gatewayNonce)))
                        .build(),
                channel.voidPromise());
    }

    /** The node's answer to our Hello: if its proof checks out, the link is up and carries what waited for it. */
    private void onWelcome(Welcome welcome) {
        if (gatewayNonce == null) {
            refuse(LinkRefusal.UNEXPECTED, "a Welcome before any challenge");
            return;
        }
        byte[] proof = welcome.getProof().toByteArray();
        if (!welcome.getNodeId().equals(node.nodeId())
                || !options.auth()
                        .verifyNode(gatewayNonce, challengeNonce, node.nodeId(), options.gatewayId(), proof)) {
            boolean missing = proof.length == 0 && options.auth().required();
            refuse(
                    missing ? LinkRefusal.NO_PROOF : LinkRefusal.BAD_PROOF,
                    missing
                            ? "a Welcome without a proof (does the node run with --link-auth none?)"
                            : "a Welcome from '" + welcome.getNodeId() + "' whose proof does not answer our Hello"
                                    + " (does its --link-secret-file hold the same secret as ours?)");
            return;
        }
        cancelHandshakeTimeout();
        log.info("link to node {} up", node.nodeId());
        CONNECT_FAILURES.reachable(node.nodeId());
        for (LinkFrame frame : pending) {
            channel.write(frame, channel.voidPromise());
        }
        pending = null;
        channel.flush();
        router.onLinkUp(this);
    }

    /**
     * Closes a link whose node did not prove itself, before anything was sent to it or taken from it;
     * counted, and logged once for the link. Its closing marks the node unreachable.
     */
    private void refuse(LinkRefusal reason, String what) {
        refused = true;
        cancelHandshakeTimeout();
        router.metrics().linkRefused(reason);
        log.warn(
                "link to node {} at {}:{} refused ({}): {}; it did not prove it is that node and holds the link"
                        + " secret, so nothing was sent to it and the node counts as unreachable",
                node.nodeId(),
                node.linkHost(),
                node.linkPort(),
                reason.name().toLowerCase(Locale.ROOT),
                what);
        channel.close();
    }

    private void cancelHandshakeTimeout() {
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
            handshakeTimeout = null;
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Before the connect future completes: the node's challenge may be read first.
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Heartbeats keep a link from timing out, so a peer that never proves itself is dropped here.
        long millis = options.settings().timeout().toMillis();
        handshakeTimeout = ctx.executor()
                .schedule(
                        () -> {
                            handshakeTimeout = null;
                            if (pending != null && !refused && !closed) {
                                refuse(LinkRefusal.TIMEOUT, "no valid Welcome within " + millis + " ms");
                            }
                        },
                        millis,
                        TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            // The rest of a read that was already decoded when the link was refused.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (pending != null) {
            beforeProof(msg);
            return;
        }
        if (msg instanceof RoomEventFrame event) {
            try {
                router.onRoomEvent(event);
            } finally {
                event.release();
            }
        } else if (msg instanceof LinkFrame frame) {
            onFrame(frame);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Until the node proved itself only the handshake is read; anything else refuses the link. */
    private void beforeProof(Object msg) {
        LinkFrame frame = msg instanceof LinkFrame f ? f : null;
        if (frame != null && frame.hasChallenge()) {
            onChallenge(frame.getChallenge());
        } else if (frame != null && frame.hasWelcome()) {
            onWelcome(frame.getWelcome());
        } else {
            // A room event arrives as a RoomEventFrame, whose buffer is released here.
            String what = frame != null ? frame.getBodyCase().name() : "BROADCAST";
            ReferenceCountUtil.release(msg);
            refuse(LinkRefusal.UNEXPECTED, "a " + what + " frame before the node proved itself");
        }
    }

    private void onFrame(LinkFrame frame) {
        switch (frame.getBodyCase()) {
            case REPLY -> router.onReply(this, frame.getReply());
            case REDIRECT -> router.onRedirect(this, frame.getRedirect());
            case HANDOFF_START ->
                router.onHandoffStart(this, frame.getHandoffStart().getRoomId());
            case HANDOFF_DONE -> router.onHandoffDone(this, frame.getHandoffDone());
            case REJOIN_RESULT -> router.onRejoinResult(this, frame.getRejoinResult());
            case ROOM_LOST -> router.onRoomLost(this, frame.getRoomLost().getRoomId());
            case CHALLENGE, WELCOME -> {
                log.warn("{} from node {} on a link that is up; closing it", frame.getBodyCase(), node.nodeId());
                channel.close();
            }
            default -> log.warn("unexpected {} from node {}; ignored", frame.getBodyCase(), node.nodeId());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        onClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("link to node {} failed; closing it", node.nodeId(), cause);
        ctx.close();
    }

    private void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        cancelHandshakeTimeout();
        if (gatewayNonce != null && pending != null && !refused) {
            log.warn(
                    "node {} closed the link after our Hello, without a Welcome: does its --link-secret-file hold"
                            + " the same secret as ours?",
                    node.nodeId());
        }
        router.metrics().linkDown(channel);
        List<LinkFrame> unsent = pending == null ? List.of() : pending;
        pending = null;
        router.onLinkClosed(this, unsent);
    }

    void close() {
        channel.close();
    }
}
