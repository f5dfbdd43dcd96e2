package roomgate.gateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;

/**
 * The server's side of a WebSocket's liveness. An {@code IdleStateHandler} at the start of the
 * pipeline reports every {@code pingIntervalSeconds} without a byte from the client; on each report
 * this sends a ping (any WebSocket client answers with a pong, which counts as a byte), and once
 * the client has been silent for {@code idleTimeoutSeconds} it closes the connection (1001). Its
 * seats are then kept for the node's reconnect grace, as for any disconnect. A vanished peer, a
 * silent socket and a client that stopped reading (its reading was paused while its output is
 * full) all end this way. Before the handshake the HTTP deadline applies instead.
 */
public final class KeepAlive extends ChannelInboundHandlerAdapter {
    private final long pingIntervalSeconds;
    private final long idleTimeoutSeconds;
    private final GatewayMetrics metrics;
    private boolean open;
    /** Consecutive reports of silence: the client has been silent for this many ping intervals. */
    private int silentIntervals;

    /** {@code idleTimeoutSeconds} 0: ping, but never close a silent client. */
    public KeepAlive(long pingIntervalSeconds, long idleTimeoutSeconds, GatewayMetrics metrics) {
        this.pingIntervalSeconds = pingIntervalSeconds;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            open = true;
        } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE && open) {
            silentIntervals = idle.isFirst() ? 1 : silentIntervals + 1;
            if (idleTimeoutSeconds > 0 && silentIntervals * pingIntervalSeconds >= idleTimeoutSeconds) {
                open = false;
                metrics.refused(Refusal.IDLE);
                Closing.close(
                        ctx.channel(),
                        WebSocketCloseStatus.ENDPOINT_UNAVAILABLE,
                        "idle: nothing received for " + idleTimeoutSeconds + " s");
            } else if (ctx.channel().isWritable()) {
                ctx.channel()
                        .writeAndFlush(new PingWebSocketFrame(), ctx.channel().voidPromise());
            }
        }
        ctx.fireUserEventTriggered(event);
    }
}
