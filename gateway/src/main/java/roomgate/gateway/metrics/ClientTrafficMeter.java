package roomgate.gateway.metrics;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Counts one client connection's traffic: the connection itself, its WebSocket handshake and
 * session, and its data messages in and out by encoding, with their payload bytes. It sits between
 * the frame aggregator and the frame codec, so it sees whole messages as frames and never parses
 * anything. One per connection (it remembers whether the handshake completed); passes everything on.
 */
public final class ClientTrafficMeter extends ChannelDuplexHandler {
    private final GatewayMetrics metrics;
    private boolean session;

    public ClientTrafficMeter(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.connectionClosed();
        if (session) {
            session = false;
            metrics.sessionClosed();
        }
        ctx.fireChannelInactive();
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
        if (msg instanceof BinaryWebSocketFrame frame) {
            metrics.frame(true, false, frame.content().readableBytes());
        } else if (msg instanceof TextWebSocketFrame frame) {
            metrics.frame(true, true, frame.content().readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof BinaryWebSocketFrame frame) {
            metrics.frame(false, false, frame.content().readableBytes());
        } else if (msg instanceof TextWebSocketFrame frame) {
            metrics.frame(false, true, frame.content().readableBytes());
        }
        ctx.write(msg, promise);
    }
}
