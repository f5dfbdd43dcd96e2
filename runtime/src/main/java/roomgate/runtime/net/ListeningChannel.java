package roomgate.runtime.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A bound server socket and the event loops that serve its connections, as every roomgate TCP
 * server needs them: bind (port 0 picks a free one), read back the real port, and close both. The
 * loops belong to it: if binding fails they are shut down, and {@link #close()} shuts them down.
 */
public final class ListeningChannel implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private ListeningChannel(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds {@code host:port} served by {@code group}, each accepted connection set up by
     * {@code childHandler}; {@code options} adds socket options. Returns once it listens.
     */
    public static ListeningChannel bind(
            Transport transport,
            EventLoopGroup group,
            String host,
            int port,
            Consumer<ServerBootstrap> options,
            ChannelHandler childHandler)
            throws InterruptedException {
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(transport.serverChannel());
            options.accept(bootstrap);
            return new ListeningChannel(
                    group,
                    bootstrap.childHandler(childHandler).bind(host, port).sync().channel());
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
    }
}
