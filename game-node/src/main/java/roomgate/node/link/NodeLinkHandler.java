package roomgate.node.link;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.node.registry.GatewayLink;
import roomgate.node.registry.RoomRegistry;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.HandoffDone;
import roomgate.protocol.link.v1.HandoffStart;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Redirect;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.RoomBroadcast;
import roomgate.protocol.link.v1.RoomLost;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.link.v1.Welcome;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.link.LinkAuth;

/**
 * The node's end of one gateway link: passes the gateway's requests to the {@link RoomRegistry}
 * and carries replies and room events back. The link first has to prove it comes from a gateway:
 * the node sends a {@link Challenge} as soon as it accepts the connection, and closes it unless the
 * first frame is a Hello whose proof answers it ({@link LinkAuth}) within the link timeout; nothing
 * reaches the registry before that. Its Welcome then answers the Hello's own nonce, so the gateway
 * knows in turn that it reached a node with the secret. Writes come from room threads; Netty queues them on the
 * link's event loop, so no room thread waits for the network.
 */
final class NodeLinkHandler extends SimpleChannelInboundHandler<LinkFrame> implements GatewayLink {
    private static final Logger log = LoggerFactory.getLogger(NodeLinkHandler.class);

    private final RoomRegistry registry;
    private final LinkAuth auth;
    private final LinkRefusals refusals;
    private final long handshakeMillis;
    private final byte[] nonce = LinkAuth.newNonce();
    /** Set on the link's loop once the Hello's proof checked out; read there only. */
    private boolean authenticated;

    private volatile Channel channel;
    private volatile String gatewayId = "unknown";

    NodeLinkHandler(RoomRegistry registry, LinkAuth auth, LinkRefusals refusals, long handshakeMillis) {
        this.registry = registry;
        this.auth = auth;
        this.refusals = refusals;
        this.handshakeMillis = handshakeMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(LinkFrame.newBuilder()
                .setChallenge(Challenge.newBuilder()
                        .setNonce(ByteString.copyFrom(nonce))
                        .setNodeId(registry.nodeId()))
                .build());
        // Heartbeats keep a link from timing out, and a peer may send them before any Hello.
        ctx.executor()
                .schedule(
                        () -> {
                            if (!authenticated && ctx.channel().isOpen()) {
                                refusals.refused(ctx.channel().remoteAddress(), LinkRefusals.Reason.TIMEOUT, "");
                                ctx.close();
                            }
                        },
                        handshakeMillis,
                        TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, LinkFrame frame) {
        if (!authenticated) {
            handshake(ctx, frame);
            return;
        }
        switch (frame.getBodyCase()) {
            case REQUEST -> registry.submit(this, frame.getRequest());
            case SESSION_CLOSED ->
                registry.sessionClosed(
                        this,
                        frame.getSessionClosed().getSessionId(),
                        frame.getSessionClosed().getRoomIdsList());
            case REJOIN -> registry.rejoin(this, frame.getRejoin());
            case HANDOFF_READY ->
                registry.handoffReady(this, frame.getHandoffReady().getRoomId());
            default -> log.warn("unexpected {} from gateway {}; ignored", frame.getBodyCase(), gatewayId);
        }
    }

    /** The first frame: a Hello that answers this link's challenge opens the link; anything else closes it. */
    private void handshake(ChannelHandlerContext ctx, LinkFrame frame) {
        String claimed = frame.hasHello() ? frame.getHello().getGatewayId() : "";
        if (!frame.hasHello()
                || !auth.verify(
                        nonce,
                        claimed,
                        registry.nodeId(),
                        frame.getHello().getProof().toByteArray())) {
            refusals.refused(
                    ctx.channel().remoteAddress(),
                    frame.hasHello() ? LinkRefusals.Reason.BAD_PROOF : LinkRefusals.Reason.NO_HELLO,
                    claimed);
            ctx.close();
            return;
        }
        authenticated = true;
        gatewayId = claimed;
        // Only now may room threads write to it (they learn of the link from its requests).
        channel = ctx.channel();
        log.info("link from gateway {} at {}", gatewayId, ctx.channel().remoteAddress());
        // The node's half of the handshake: the gateway takes nothing from this link before this proof.
        byte[] proof =
                auth.nodeProof(frame.getHello().getGatewayNonce().toByteArray(), nonce, registry.nodeId(), gatewayId);
        ctx.writeAndFlush(LinkFrame.newBuilder()
                .setWelcome(Welcome.newBuilder().setNodeId(registry.nodeId()).setProof(ByteString.copyFrom(proof)))
                .build());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!authenticated) {
            ctx.fireChannelInactive();
            return;
        }
        log.info("link from gateway {} closed", gatewayId);
        registry.linkClosed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!authenticated) {
            // Garbage from a stranger (a port scan, an intruder): counted, not a stack trace each time.
            refusals.refused(ctx.channel().remoteAddress(), LinkRefusals.Reason.NO_HELLO, "");
            ctx.close();
            return;
        }
        log.warn("link from gateway {} failed; closing it", gatewayId, cause);
        ctx.close();
    }

    String gatewayId() {
        return gatewayId;
    }

    @Override
    public boolean isOpen() {
        return channel != null && channel.isActive();
    }

    @Override
    public void reply(long sessionId, ServerMessage message, String joinedRoomId, String leftRoomId, long sequence) {
        send(LinkFrame.newBuilder()
                .setReply(SessionReply.newBuilder()
                        .setSessionId(sessionId)
                        .setServerMessage(message.toByteString())
                        .setJoinedRoomId(joinedRoomId)
                        .setLeftRoomId(leftRoomId)
                        .setSequence(sequence)
                        .setRequestId(message.getRequestId()))
                .build());
    }

    @Override
    public void broadcast(
            String roomId, ByteString serverMessage, long sequence, long originSessionId, String originRequestId) {
        send(LinkFrame.newBuilder()
                .setBroadcast(RoomBroadcast.newBuilder()
                        .setRoomId(roomId)
                        .setServerMessage(serverMessage)
                        .setSequence(sequence)
                        .setOriginSessionId(originSessionId)
                        .setOriginRequestId(originRequestId))
                .build());
    }

    @Override
    public void redirect(String roomId, String ownerNodeId, SessionRequest request) {
        send(LinkFrame.newBuilder()
                .setRedirect(Redirect.newBuilder()
                        .setRoomId(roomId)
                        .setOwnerNodeId(ownerNodeId)
                        .setRequest(request))
                .build());
    }

    @Override
    public void rejoinResult(RejoinResult result) {
        send(LinkFrame.newBuilder().setRejoinResult(result).build());
    }

    @Override
    public void handoffStart(String roomId) {
        send(LinkFrame.newBuilder()
                .setHandoffStart(HandoffStart.newBuilder().setRoomId(roomId))
                .build());
    }

    @Override
    public void handoffDone(String roomId, String newOwnerNodeId) {
        send(LinkFrame.newBuilder()
                .setHandoffDone(HandoffDone.newBuilder().setRoomId(roomId).setNewOwnerNodeId(newOwnerNodeId))
                .build());
    }

    @Override
    public void roomLost(String roomId) {
        send(LinkFrame.newBuilder()
                .setRoomLost(RoomLost.newBuilder().setRoomId(roomId))
                .build());
    }

    private void send(LinkFrame frame) {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(frame, ch.voidPromise());
        }
    }
}
