package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.config.GatewayConfig;
import roomgate.gateway.feed.PubSubManager;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.routing.LinkOptions;
import roomgate.gateway.routing.RouterGroup;
import roomgate.placement.NodeView;
import roomgate.runtime.net.Transport;

/**
 * The pipeline an established WebSocket keeps, as {@link GatewayInitializer} builds it, on a real
 * server socket and client on loopback. Every handler in it is carried by every idle connection
 * (bench/idle/heap.sh measures the bytes), so a handler added, or one the handshake leaves behind,
 * must be a decision that updates this list, not an accident.
 */
class IdleWebSocketPipelineTest {
    private EventLoopGroup loops;
    private Channel server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anEstablishedWebSocketKeepsOnlyTheHandlersItUses() throws Exception {
        GatewayConfig config = GatewayConfig.fromArgs(
                new String[] {"--port", "0", "--io-threads", "1", "--link-auth", "none", "--auth", "none"}, Map.of());
        GatewayMetrics metrics = GatewayMetrics.disabled();
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ChannelGroup accepted = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
        server = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .childHandler(new GatewayInitializer(
                        config,
                        accepted,
                        new RouterGroup(
                                loops, LinkOptions.unauthenticated("gw-test"), NodeView::empty, Transport.NIO, metrics),
                        PubSubManager.instance(),
                        GamesHttpHandler.off(),
                        NodeView::empty,
                        ClientAuth.none(TestSession.RESUME_TOKENS),
                        null,
                        metrics,
                        TrafficRecorder.OFF,
                        null))
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();

        CompletableFuture<Void> upgraded = new CompletableFuture<>();
        URI uri = URI.create("ws://127.0.0.1:" + port + GatewayInitializer.WEBSOCKET_PATH);
        new Bootstrap()
                .group(loops)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        new HttpObjectAggregator(1 << 16),
                                        new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                                .webSocketUri(uri)
                                                .build()),
                                        new ChannelInboundHandlerAdapter() {
                                            @Override
                                            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                                if (event
                                                        == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                                                .HANDSHAKE_COMPLETE) {
                                                    upgraded.complete(null);
                                                }
                                                ctx.fireUserEventTriggered(event);
                                            }
                                        });
                    }
                })
                .connect("127.0.0.1", port)
                .sync();
        upgraded.get(30, TimeUnit.SECONDS);

        assertThat(accepted.size()).isEqualTo(1);
        Channel connection = accepted.iterator().next();
        // The session takes the HTTP-only handlers out once the server has seen its handshake complete.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(handlers(connection))
                        .containsExactly(
                                "output-guard",
                                "keepalive",
                                // The handshake's: frames out and in, in place of the HTTP codec.
                                "wsencoder",
                                "wsdecoder",
                                "frame-guard",
                                "io.netty.handler.codec.http.websocketx.Utf8FrameValidator",
                                "websocket",
                                "frame-aggregator",
                                "frame-codec",
                                "message-meter",
                                "session"));
    }

    /** The handler names of {@code channel}'s pipeline, read on its loop, without the tail. */
    private static List<String> handlers(Channel channel) throws Exception {
        return channel.eventLoop()
                .submit(() -> channel.pipeline().names().stream()
                        .filter(name -> !name.startsWith("DefaultChannelPipeline$TailContext"))
                        .toList())
                .get(10, TimeUnit.SECONDS);
    }
}
