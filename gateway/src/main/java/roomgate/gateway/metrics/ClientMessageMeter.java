package roomgate.gateway.metrics;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.wire.client.Delivery;

/**
 * Counts decoded client messages by type and the errors sent back by code. It sits between the
 * frame codec and the session, so it sees every {@link ClientMessage} and every outgoing
 * {@link Delivery} — the gateway's own refusals and the nodes' alike, since both reach clients
 * the same way. Stateless and shared by all connections.
 */
@ChannelHandler.Sharable
public final class ClientMessageMeter extends ChannelDuplexHandler {
    private final GatewayMetrics metrics;

    public ClientMessageMeter(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ClientMessage message) {
            metrics.message(message.getBodyCase());
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
        }
        ctx.write(msg, promise);
    }
}
