package roomgate.bench.direct;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.node.registry.RoomRegistry;
import roomgate.runtime.net.ListeningChannel;
import roomgate.runtime.net.Transport;
import roomgate.wire.client.ClientFrameCodec;

/**
 * An optional WebSocket endpoint on a game node ({@code --ws-port}) that speaks the public client
 * protocol with no gateway in between: the benchmark's floor, and the upstream that a plain reverse
 * proxy (nginx) forwards to. Each connection is its own one-session {@code GatewayLink}, so the
 * registry and rooms serve it exactly as they serve gateway sessions. It has no rate limit and no
 * recording: it is a measuring point, not the product's front door.
 */
public final class DirectWebSocketServer implements AutoCloseable {
    public static final String WEBSOCKET_PATH = "/ws";
    private static final int MAX_FRAME_BYTES = 16 * 1024;
    private static final int MAX_HTTP_REQUEST_BYTES = 16 * 1024;

    private final ListeningChannel listening;

    private DirectWebSocketServer(ListeningChannel listening) {
        this.listening = listening;
    }

    /** Binds {@code host:port} (0 picks a free port) and returns once it listens. */
    public static DirectWebSocketServer start(
            Transport transport, String host, int port, int ioThreads, RoomRegistry registry)
            throws InterruptedException {
        WebSocketServerProtocolConfig websocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WEBSOCKET_PATH)
                // nginx routes on /ws?room=ID; the query means nothing here.
                .checkStartsWith(true)
                .handshakeTimeoutMillis(10_000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(MAX_FRAME_BYTES)
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .build())
                .build();
        AtomicLong sessionIds = new AtomicLong();
        return new DirectWebSocketServer(ListeningChannel.bind(
                transport,
                transport.newGroup(ioThreads),
                host,
                port,
                bootstrap -> bootstrap
                        .option(ChannelOption.SO_BACKLOG, 4096)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(
                                ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024)),
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("http-codec", new HttpServerCodec());
                        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
                        p.addLast("websocket", new WebSocketServerProtocolHandler(websocket));
                        p.addLast("frame-aggregator", new WebSocketFrameAggregator(MAX_FRAME_BYTES));
                        p.addLast("frame-codec", new ClientFrameCodec());
                        p.addLast("session", new DirectSession(registry, sessionIds.incrementAndGet()));
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
