package roomgate.gateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;

/**
 * The server's side of a WebSocket's liveness. It sits near the socket (after the output guard), so
 * every byte the client sends counts: a message, a fragment, a ping or a pong alike. After each
 * {@code pingIntervalSeconds} without a byte from the client it sends a ping (any WebSocket client
 * answers with a pong), and once the client has been silent for {@code idleTimeoutSeconds} it
 * closes the connection (1001). Its seats are then kept for the node's reconnect grace, as for any
 * disconnect. A vanished peer, a silent socket and a client that stopped reading (its reading was
 * paused while its output is full) all end this way. Before the handshake (no WebSocket frame
 * encoder in the pipeline yet) silence is not acted on: the HTTP deadline applies instead.
 *
 * <p>The silence is measured as Netty's {@code IdleStateHandler} measures reader idleness (a read
 * counts when its batch completes, one timer rescheduled to the next possible expiry), done here
 * so that a connection carries one handler and one timer for its liveness rather than two handlers:
 * every idle connection pays for each. The timer is this handler itself. Confined to the loop.
 */
public final class KeepAlive extends ChannelInboundHandlerAdapter implements Runnable {
    private final int pingIntervalSeconds;
    private final int idleTimeoutSeconds;
    private final GatewayMetrics metrics;
    private ChannelHandlerContext ctx;
    /** The next check of the silence; null before the connection is active and once it is done. */
    private ScheduledFuture<?> timer;
    /** When the last batch of reads completed, on the loop's clock. */
    private long lastReadNanos;
    /** Inside a batch of reads (channelRead seen, channelReadComplete not yet). */
    private boolean reading;
    /** The connection is a WebSocket: silence is acted on. */
    private boolean open;
    /** Closed for its silence (or ended): no more pings. */
    private boolean done;
    /** Consecutive intervals of silence since the last read, counted once the WebSocket is open. */
    private int silentIntervals;

    /** {@code idleTimeoutSeconds} 0: ping, but never close a silent client. */
    public KeepAlive(int pingIntervalSeconds, int idleTimeoutSeconds, GatewayMetrics metrics) {
        this.pingIntervalSeconds = pingIntervalSeconds;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        silentIntervals = 0;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (reading) {
            reading = false;
            lastReadNanos = now();
        }
        ctx.fireChannelReadComplete();
    }

    private void start() {
        if (timer != null || done) {
            return;
        }
        lastReadNanos = now();
        schedule(TimeUnit.SECONDS.toNanos(pingIntervalSeconds));
    }

    private void stop() {
        done = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The timer: on the loop, one ping interval after the last read or the last check. */
    @Override
    public void run() {
        if (done || !ctx.channel().isOpen()) {
            return;
        }
        long interval = TimeUnit.SECONDS.toNanos(pingIntervalSeconds);
        long left = reading ? interval : interval - (now() - lastReadNanos);
        if (left > 0) {
            schedule(left);
            return;
        }
        schedule(interval);
        silent();
    }

    /** Another ping interval passed without a byte from the client. */
    private void silent() {
        if (!open) {
            // The same test as the output guard's: the handshake replaced the HTTP codec.
            open = ctx.pipeline().get(WebSocketFrameEncoder.class) != null;
            if (!open) {
                return;
            }
        }
        silentIntervals++;
        if (idleTimeoutSeconds > 0 && (long) silentIntervals * pingIntervalSeconds >= idleTimeoutSeconds) {
            stop();
            metrics.refused(Refusal.IDLE);
            Closing.close(
                    ctx.channel(),
                    WebSocketCloseStatus.ENDPOINT_UNAVAILABLE,
                    "idle: nothing received for " + idleTimeoutSeconds + " s");
        } else if (ctx.channel().isWritable()) {
            ctx.channel().writeAndFlush(new PingWebSocketFrame(), ctx.channel().voidPromise());
        }
    }

    private void schedule(long delayNanos) {
        timer = ctx.executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
