package roomgate.gateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;
import roomgate.gateway.session.RateLimiter;

/**
 * WebSocket frames as they come off the wire, before the protocol handler answers pings and the
 * aggregator joins fragments: the frames a client can send that never become a message the session
 * sees. Each ping and each continuation fragment draws from the connection's one rate limiter, as a
 * message does, so neither can buy more work than the rate allows.
 *
 * <ul>
 * <li>A ping past the rate, or while the connection's output is full, is dropped unanswered: its
 *     pong would only add to what the client is not reading. More than {@code burst} pings dropped
 *     in a row (the client sent a whole burst in less time than one token takes to refill) is a
 *     flood, not a hiccup: the connection is closed (1008).
 * <li>A fragment past the rate, or a message in more than {@code maxFragments} fragments, closes the
 *     connection (1008): a fragment cannot be dropped without corrupting its message, and honest
 *     clients send small messages whole.
 * </ul>
 */
public final class FrameGuard extends ChannelInboundHandlerAdapter {
    private final int ratePerSecond;
    private final int burst;
    private final int maxFragments;
    private final GatewayMetrics metrics;
    /** Frames of the message being received, when it is fragmented; 0 between messages. */
    private int fragments;

    private int droppedPingsInARow;
    private boolean closing;

    public FrameGuard(int ratePerSecond, int burst, int maxFragments, GatewayMetrics metrics) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.maxFragments = maxFragments;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame instanceof PingWebSocketFrame) {
            if (!ctx.channel().isWritable() || !limiter(ctx).tryAcquire(System.nanoTime())) {
                ReferenceCountUtil.release(msg);
                metrics.refused(Refusal.PING);
                if (++droppedPingsInARow > burst) {
                    closing = true;
                    metrics.refused(Refusal.PING_FLOOD);
                    Closing.close(
                            ctx.channel(),
                            WebSocketCloseStatus.POLICY_VIOLATION,
                            "ping flood: more than " + burst + " pings past " + ratePerSecond + "/s");
                }
                return;
            }
            droppedPingsInARow = 0;
        } else if (frame instanceof ContinuationWebSocketFrame) {
            fragments++;
            if (fragments > maxFragments) {
                refuse(ctx, msg, "a message in more than " + maxFragments + " fragments");
                return;
            }
            if (!limiter(ctx).tryAcquire(System.nanoTime())) {
                refuse(ctx, msg, "fragments faster than " + ratePerSecond + "/s (burst " + burst + ")");
                return;
            }
            if (frame.isFinalFragment()) {
                fragments = 0;
            }
        } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            fragments = frame.isFinalFragment() ? 0 : 1;
        }
        ctx.fireChannelRead(msg);
    }

    private RateLimiter limiter(ChannelHandlerContext ctx) {
        return RateLimiter.of(ctx.channel(), ratePerSecond, burst);
    }

    private void refuse(ChannelHandlerContext ctx, Object msg, String reason) {
        ReferenceCountUtil.release(msg);
        closing = true;
        metrics.refused(Refusal.FRAGMENTS);
        Closing.close(ctx.channel(), WebSocketCloseStatus.POLICY_VIOLATION, reason);
    }
}
