package roomgate.gateway.routing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import roomgate.placement.NodeInfo;
import roomgate.runtime.net.Transport;

/**
 * Links over TCP, connected on the loop of the sessions they serve (as Netty's proxy example
 * connects its backend), so a node's reply is handed to a session on the same thread.
 */
final class SocketLinkConnector implements LinkConnector {
    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private final Transport transport;

    SocketLinkConnector(Transport transport) {
        this.transport = transport;
    }

    @Override
    public ChannelFuture connect(EventLoop loop, NodeInfo node, ChannelHandler handler) {
        return new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // A socket's writes are worth batching; what the link sends stays the same.
                        ch.pipeline().addLast(new FlushConsolidationHandler(64, true));
                        ch.pipeline().addLast(handler);
                    }
                })
                .connect(node.linkHost(), node.linkPort());
    }
}
