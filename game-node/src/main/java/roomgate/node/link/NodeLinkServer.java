package roomgate.node.link;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.node.registry.RoomRegistry;
import roomgate.runtime.metrics.ExecutorDelayProbe;
import roomgate.runtime.net.ListeningChannel;
import roomgate.runtime.net.Transport;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkCodec;
import roomgate.wire.link.LinkLiveness;
import roomgate.wire.link.LinkSettings;

/**
 * The TCP server that gateways open their long-lived links to. Each accepted connection is one
 * multiplexed link carrying many sessions and rooms.
 */
public final class NodeLinkServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeLinkServer.class);

    private final ListeningChannel listening;

    private NodeLinkServer(ListeningChannel listening) {
        this.listening = listening;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free one) and returns once it listens; the open links
     * and each event loop's scheduling delay go to {@code meters}. Every link must answer the node's
     * challenge under {@code auth} before anything else (see {@link NodeLinkHandler}), and is kept
     * alive or dropped as {@code settings} say ({@link LinkLiveness}).
     */
    public static NodeLinkServer start(
            Transport transport,
            String host,
            int port,
            int ioThreads,
            RoomRegistry registry,
            MeterRegistry meters,
            LinkSettings settings,
            LinkAuth auth)
            throws InterruptedException {
        if (!auth.required()) {
            log.warn(
                    "LINK AUTHENTICATION IS OFF (--link-auth none): any process that reaches {}:{} can act as a"
                            + " gateway, take any player's seat and move for them. Only for tests.",
                    host,
                    port);
        }
        LinkRefusals refusals = new LinkRefusals(meters, System::nanoTime);
        EventLoopGroup group = transport.newGroup(ioThreads);
        AtomicInteger links = new AtomicInteger();
        Gauge.builder("roomgate.node.links", links, AtomicInteger::get)
                .description("Open links from gateways (one per gateway event loop)")
                .strongReference(true)
                .register(meters);
        ExecutorDelayProbe.startAll(
                group,
                meters,
                "roomgate.eventloop.delay",
                "loop",
                "How late the node's link event loops run a task due now (sampled every 100 ms)",
                ExecutorDelayProbe.DEFAULT_INTERVAL);
        return new NodeLinkServer(ListeningChannel.bind(
                transport,
                group,
                host,
                port,
                bootstrap -> bootstrap.childOption(ChannelOption.TCP_NODELAY, true),
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        links.incrementAndGet();
                        ch.closeFuture().addListener(f -> links.decrementAndGet());
                        // Room threads flush once per event; consolidate those flushes into fewer syscalls.
                        ch.pipeline().addLast(new FlushConsolidationHandler(64, true));
                        LinkCodec.install(ch.pipeline());
                        LinkLiveness.install(
                                ch.pipeline(),
                                settings,
                                why -> log.warn("link from {} dropped: {}", ch.remoteAddress(), why));
                        ch.pipeline()
                                .addLast(new NodeLinkHandler(
                                        registry,
                                        auth,
                                        refusals,
                                        settings.timeout().toMillis()));
                    }
                }));
    }

    public int port() {
        return listening.port();
    }

    @Override
    public void close() {
        listening.close();
    }
}
