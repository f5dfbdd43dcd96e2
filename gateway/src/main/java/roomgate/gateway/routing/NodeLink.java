package roomgate.gateway.routing;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.placement.NodeInfo;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.wire.link.LinkCodec;
import roomgate.wire.link.LinkLiveness;
import roomgate.wire.link.RoomEventFrame;

/**
 * A long-lived link from one gateway event loop to one game node. It is opened on the loop of the
 * sessions it serves, through a {@link LinkConnector}, so a node's reply is handed to a session on
 * the same thread, without locks. Frames sent before the connection is up are held and sent once it is.
 */
final class NodeLink extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(NodeLink.class);

    private final Router router;
    private final NodeInfo node;
    private final LinkOptions options;
    /** On the router's clock: a handshake ends an unreachable mark only if it began after the mark. */
    private final long openedNanos;

    private List<LinkFrame> pending = new ArrayList<>();
    private Channel channel;
    private boolean closed;
    private boolean welcomed;

    private NodeLink(Router router, NodeInfo node, LinkOptions options) {
        this.router = router;
        this.node = node;
        this.options = options;
        this.openedNanos = router.nanoTime();
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
                log.warn(
                        "link to node {} at {}:{} failed: {}",
                        node.nodeId(),
                        node.linkHost(),
                        node.linkPort(),
                        f.cause().toString());
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

    /** Whether the node answered the handshake (its Welcome) on this link. */
    boolean isWelcomed() {
        return welcomed;
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

    /** The node's challenge: answered with the proof, and then the link carries what waited for it. */
    private void onChallenge(Challenge challenge) {
        if (pending == null) {
            log.warn("second challenge from node {}; closing the link", node.nodeId());
            channel.close();
            return;
        }
        if (!challenge.getNodeId().equals(node.nodeId())) {
            // Another process at the address (the node restarted under a new id): not the node we meant.
            log.warn("link to node {} reached node {} instead; closing it", node.nodeId(), challenge.getNodeId());
            channel.close();
            return;
        }
        byte[] proof = options.auth().proof(challenge.getNonce().toByteArray(), options.gatewayId(), node.nodeId());
        channel.write(
                LinkFrame.newBuilder()
                        .setHello(Hello.newBuilder()
                                .setGatewayId(options.gatewayId())
                                .setProof(ByteString.copyFrom(proof)))
                        .build(),
                channel.voidPromise());
        for (LinkFrame frame : pending) {
            channel.write(frame, channel.voidPromise());
        }
        pending = null;
        channel.flush();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Before the connect future completes: the node's challenge may be read first.
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
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

    private void onFrame(LinkFrame frame) {
        switch (frame.getBodyCase()) {
            case REPLY -> router.onReply(this, frame.getReply());
            case REDIRECT -> router.onRedirect(this, frame.getRedirect());
            case HANDOFF_START ->
                router.onHandoffStart(this, frame.getHandoffStart().getRoomId());
            case HANDOFF_DONE -> router.onHandoffDone(this, frame.getHandoffDone());
            case REJOIN_RESULT -> router.onRejoinResult(this, frame.getRejoinResult());
            case ROOM_LOST -> router.onRoomLost(this, frame.getRoomLost().getRoomId());
            case CHALLENGE -> onChallenge(frame.getChallenge());
            case WELCOME -> {
                welcomed = true;
                log.info("link to node {} up", frame.getWelcome().getNodeId());
                router.onLinkUp(this);
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
        if (pending == null && !welcomed) {
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
