package roomgate.gateway.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import roomgate.cluster.NodeView;
import roomgate.gateway.GatewayConfig;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.routing.RouterGroup;
import roomgate.transport.Transport;

/**
 * The client endpoint: one listening socket, one event-loop group that serves client connections
 * and, on the same loops, the links to the game nodes.
 */
public final class GatewayServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;

    private GatewayServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel) {
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
    }

    public static GatewayServer start(GatewayConfig config, Transport transport, Supplier<NodeView> view)
            throws InterruptedException {
        return start(config, transport, view, TrafficRecorder.OFF);
    }

    public static GatewayServer start(GatewayConfig config, Transport transport, Supplier<NodeView> view,
            TrafficRecorder recorder) throws InterruptedException {
        EventLoopGroup boss = transport.newGroup(1);
        EventLoopGroup workers = transport.newGroup(config.ioThreads());
        try {
            RouterGroup routers = new RouterGroup(workers, config.gatewayId(), view, transport);
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                    .childHandler(new GatewayInitializer(config, routers, view, recorder))
                    .bind(config.host(), config.port()).sync().channel();
            return new GatewayServer(boss, workers, channel);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        boss.shutdownGracefully();
        workers.shutdownGracefully().syncUninterruptibly();
    }
}
