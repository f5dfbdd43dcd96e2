package roomgate.gateway.metrics;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.function.LongSupplier;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.wire.client.Delivery;

/**
 * Counts one client connection: the connection itself, its WebSocket handshake and session, its
 * decoded messages by type and the errors sent back by code, and times its chess moves
 * ({@link MoveLatencyMeter}); its data frames and their bytes are counted by the frame codec
 * ({@link GatewayMetrics#frameCounter}). It sits between the frame codec and the session, so it sees
 * every {@link ClientMessage} and every outgoing {@link Delivery} — the gateway's own refusals and
 * the nodes' alike, since both reach clients the same way. One per connection, confined to its
 * loop: one handler for all the connection's meters, since every idle connection carries each
 * handler, and the move timer is made at the connection's first timed move, so a connection that
 * never moves (a spectator, a feed reader, an idle one) carries none.
 */
public final class ClientMessageMeter extends ChannelDuplexHandler {
    private final GatewayMetrics metrics;
    private final MoveLatencyMeter.Timers timers;
    private final LongSupplier nanoClock;
    private MoveLatencyMeter moves;
    private boolean session;

    public ClientMessageMeter(GatewayMetrics metrics, MoveLatencyMeter.Timers timers) {
        this(metrics, timers, System::nanoTime);
    }

    ClientMessageMeter(GatewayMetrics metrics, MoveLatencyMeter.Timers timers, LongSupplier nanoClock) {
        this.metrics = metrics;
        this.timers = timers;
        this.nanoClock = nanoClock;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete && !session) {
            session = true;
            metrics.sessionOpened();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ClientMessage message) {
            metrics.message(message.getBodyCase());
            if (MoveLatencyMeter.timed(message)) {
                if (moves == null) {
                    moves = new MoveLatencyMeter(timers, nanoClock);
                }
                moves.read(message);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Delivery delivery) {
            ErrorCode code = ErrorCodes.of(delivery.bytes());
            if (code != null) {
                metrics.errorSent(code);
            }
            if (moves != null) {
                moves.written(delivery, code != null);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.connectionClosed();
        if (session) {
            session = false;
            metrics.sessionClosed();
        }
        moves = null;
        ctx.fireChannelInactive();
    }
}
