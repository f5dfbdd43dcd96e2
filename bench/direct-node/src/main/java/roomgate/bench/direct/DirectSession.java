package roomgate.bench.direct;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import roomgate.node.registry.GatewayLink;
import roomgate.node.registry.RoomRegistry;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Error;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Pong;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.DecodeFailure;
import roomgate.wire.client.Delivery;
import roomgate.wire.client.RoomRequests;

/**
 * One client connected straight to the node: the last handler of its pipeline and, to the
 * registry, a gateway link with a single session. Room requests go to the registry as a gateway's
 * would; replies and room events come back from room threads and are queued on this channel's
 * event loop. Pings are answered here, as the gateway answers them.
 */
final class DirectSession extends ChannelInboundHandlerAdapter implements GatewayLink {
    /** Past this many queued bytes a client that does not read is cut off (as the gateway does). */
    private static final int MAX_PENDING_BYTES = 4 * 1024 * 1024;

    private final RoomRegistry registry;
    private final long sessionId;
    private final String participantId;
    private volatile Channel channel;

    DirectSession(RoomRegistry registry, long sessionId) {
        this.registry = registry;
        this.sessionId = sessionId;
        // Unique per connection in the cluster: the node's id and the connection's number on it.
        this.participantId = "direct-" + registry.nodeId() + "-" + sessionId;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            channel = ctx.channel();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (channel == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof DecodeFailure failure) {
            error("", failure.code(), "", failure.message());
        } else if (msg instanceof ClientMessage message) {
            onMessage(message);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(ClientMessage message) {
        if (message.getBodyCase() == ClientMessage.BodyCase.PING) {
            deliver(Delivery.of(ServerMessage.newBuilder()
                    .setRequestId(message.getRequestId())
                    .setPong(Pong.newBuilder()
                            .setClientTimeMs(message.getPing().getClientTimeMs())
                            .setServerTimeMs(System.currentTimeMillis()))
                    .build()));
            return;
        }
        String roomId = RoomRequests.roomIdOf(message);
        if (roomId.isEmpty()) {
            error(
                    message.getRequestId(),
                    ErrorCode.INVALID_ARGUMENT,
                    "",
                    message.getBodyCase()
                            + " is not served by a node's direct listener (expected: join, leave, move, chat, ping)");
            return;
        }
        String problem = RoomRequests.checkRoomId(roomId);
        if (problem != null) {
            error(message.getRequestId(), ErrorCode.INVALID_ARGUMENT, "", problem);
            return;
        }
        registry.submit(
                this,
                SessionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setParticipantId(participantId)
                        .setMessage(message)
                        .build());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (channel != null) {
            // This link is this one session: closing it leaves every room it was in.
            registry.linkClosed(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    @Override
    public void reply(long sessionId, ServerMessage message, String joinedRoomId, String leftRoomId, long sequence) {
        deliver(Delivery.of(message));
    }

    @Override
    public void broadcast(
            String roomId, ByteString serverMessage, long sequence, long originSessionId, String originRequestId) {
        Delivery delivery = Delivery.ofBytes(serverMessage);
        deliver(originSessionId == sessionId ? delivery.withRequestId(originRequestId) : delivery);
    }

    // A direct client has no gateway to follow a room elsewhere: the room is unavailable here.

    @Override
    public void redirect(String roomId, String ownerNodeId, SessionRequest request) {
        error(
                request.getMessage().getRequestId(),
                ErrorCode.ROOM_UNAVAILABLE,
                roomId,
                "room '" + roomId + "' lives on node " + ownerNodeId + "; connect there or through a gateway");
    }

    @Override
    public void rejoinResult(RejoinResult result) {
        // Direct sessions never rejoin.
    }

    @Override
    public void handoffStart(String roomId) {
        // Nothing to hold: the node redirects whatever comes after the handoff, and we answer that.
    }

    @Override
    public void handoffDone(String roomId, String newOwnerNodeId) {
        error("", ErrorCode.ROOM_UNAVAILABLE, roomId, "room '" + roomId + "' moved to node " + newOwnerNodeId);
    }

    @Override
    public void roomLost(String roomId) {
        error("", ErrorCode.ROOM_UNAVAILABLE, roomId, "room '" + roomId + "' is no longer served by this node");
    }

    private void error(String requestId, ErrorCode code, String roomId, String message) {
        deliver(Delivery.of(ServerMessage.newBuilder()
                .setRequestId(requestId)
                .setError(Error.newBuilder().setCode(code).setMessage(message).setRoomId(roomId))
                .build()));
    }

    private void deliver(Delivery delivery) {
        Channel ch = channel;
        if (!ch.isWritable() && ch.bytesBeforeWritable() > MAX_PENDING_BYTES) {
            ch.writeAndFlush(new CloseWebSocketFrame(
                            WebSocketCloseStatus.POLICY_VIOLATION,
                            "client reads too slowly: more than " + MAX_PENDING_BYTES + " bytes queued"))
                    .addListener(f -> ch.close());
            return;
        }
        ch.writeAndFlush(delivery, ch.voidPromise());
    }
}
