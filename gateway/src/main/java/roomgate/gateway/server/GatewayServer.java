package roomgate.gateway.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import roomgate.placement.NodeView;
import roomgate.gateway.config.GatewayConfig;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.feed.PubSubManager;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.routing.RouterGroup;
import roomgate.gateway.session.ResumeTokens;
import roomgate.runtime.metrics.ExecutorDelayProbe;
import roomgate.runtime.net.Transport;

/**
 * The client endpoint: one listening socket, one event-loop group that serves client connections
 * and, on the same loops, the links to the game nodes.
 */
public final class GatewayServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final RouterGroup routers;

    private GatewayServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel, RouterGroup routers) {
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.routers = routers;
    }

    public static GatewayServer start(GatewayConfig config, Transport transport, Supplier<NodeView> view,
            ResumeTokens tokens, PubSubManager feeds, GatewayMetrics metrics, TrafficRecorder recorder)
            throws InterruptedException {
        EventLoopGroup boss = transport.newGroup(1);
        EventLoopGroup workers = transport.newGroup(config.ioThreads());
        try {
            ExecutorDelayProbe.startAll(workers, metrics.registry(), "roomgate.eventloop.delay", "loop",
                    "How late the gateway's event loops run a task due now (sampled every 100 ms)",
                    ExecutorDelayProbe.DEFAULT_INTERVAL);
            RouterGroup routers = new RouterGroup(workers, config.gatewayId(), view, transport, metrics);
            ServerBootstrap bootstrap = new ServerBootstrap();
            if (config.clientSendBufferBytes() > 0) {
                // Caps what the kernel queues for a client that does not read, so that feed
                // conflation (which starts when Netty's buffer fills) kicks in after kilobytes.
                bootstrap.childOption(ChannelOption.SO_SNDBUF, config.clientSendBufferBytes());
            }
            Channel channel = bootstrap
                    .group(boss, workers)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                    .childHandler(new GatewayInitializer(config, routers, feeds, view, tokens, metrics, recorder))
                    .bind(config.host(), config.port()).sync().channel();
            return new GatewayServer(boss, workers, channel, routers);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /** The routers of the client event loops, to tell them of membership changes. */
    public RouterGroup routers() {
        return routers;
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
