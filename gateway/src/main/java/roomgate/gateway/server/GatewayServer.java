package roomgate.gateway.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.auth.DevTokenHandler;
import roomgate.gateway.config.GatewayConfig;
import roomgate.gateway.feed.PubSubManager;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.routing.LinkOptions;
import roomgate.gateway.routing.RouterGroup;
import roomgate.gateway.tls.ServerTls;
import roomgate.placement.NodeView;
import roomgate.runtime.metrics.ExecutorDelayProbe;
import roomgate.runtime.net.Transport;

/**
 * The client endpoint: one listening socket, one event-loop group that serves client connections
 * and, on the same loops, the links to the game nodes.
 *
 * <p>It stops in two steps, which the gateway's lifecycle runs in order: {@link #sayGoodbye} stops
 * accepting and closes every client connection with 1001 (going away) behind what is already
 * queued for it, so that a client knows to reconnect elsewhere and has every reply it was sent;
 * {@link #close} then shuts the event loops down, and with them the links to the nodes.
 */
public final class GatewayServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final ChannelGroup clients;
    private final RouterGroup routers;

    private GatewayServer(
            EventLoopGroup boss,
            EventLoopGroup workers,
            Channel serverChannel,
            ChannelGroup clients,
            RouterGroup routers) {
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.clients = clients;
        this.routers = routers;
    }

    public static GatewayServer start(
            GatewayConfig config,
            Transport transport,
            Supplier<NodeView> view,
            ClientAuth auth,
            DevTokenHandler devTokens,
            PubSubManager feeds,
            GamesHttpHandler games,
            GatewayMetrics metrics,
            TrafficRecorder recorder,
            ServerTls tls)
            throws InterruptedException {
        EventLoopGroup boss = transport.newGroup(1);
        EventLoopGroup workers = transport.newGroup(config.ioThreads());
        try {
            ExecutorDelayProbe.startAll(
                    workers,
                    metrics.registry(),
                    "roomgate.eventloop.delay",
                    "loop",
                    "How late the gateway's event loops run a task due now (sampled every 100 ms)",
                    ExecutorDelayProbe.DEFAULT_INTERVAL);
            RouterGroup routers = new RouterGroup(
                    workers, LinkOptions.startUp(config.gatewayId(), config.link()), view, transport, metrics);
            // Closed channels leave the group by themselves.
            ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
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
                    // A peer that vanished without a FIN (power loss, a NAT that forgot it) is found
                    // by the kernel too, not only by the WebSocket idle limit.
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                    // One allocator for all: it is settings only (each channel has its own handle),
                    // and Netty would make one per channel, which every idle connection would keep.
                    .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator())
                    .childHandler(new GatewayInitializer(
                            config, clients, routers, feeds, games, view, auth, devTokens, metrics, recorder, tls))
                    .bind(config.host(), config.port())
                    .sync()
                    .channel();
            return new GatewayServer(boss, workers, channel, clients, routers);
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

    /** How many client connections are open (upgraded to WebSocket or not). */
    public int openClients() {
        return clients.size();
    }

    /**
     * Stops accepting, then ends every client connection: no more requests are read; the answers to
     * those already sent to nodes are awaited; then a close frame with 1001 (going away) is queued
     * behind what each client is still owed, and the connection closes once that frame is written.
     * A connection still in its HTTP upgrade is just closed. Waits up to {@code timeout} in all.
     *
     * @return whether every client connection closed in time
     */
    public boolean sayGoodbye(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        serverChannel.close().sync();
        for (Channel client : clients) {
            client.attr(OutputGuard.READING_STOPPED).set(true);
            client.config().setAutoRead(false);
        }
        try {
            routers.requestsAnswered().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Close anyway: a client that missed an answer learns the outcome by resuming.
        }
        for (Channel client : clients) {
            // On the channel's own loop, so the frame goes out after every write queued there before it.
            client.eventLoop()
                    .execute(() -> client.writeAndFlush(new CloseWebSocketFrame(
                                    WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "gateway stopping"))
                            .addListener(ChannelFutureListener.CLOSE));
        }
        return clients.newCloseFuture().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Shuts the event loops down; whatever is still open on them closes. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        boss.shutdownGracefully();
        workers.shutdownGracefully().syncUninterruptibly();
    }
}
