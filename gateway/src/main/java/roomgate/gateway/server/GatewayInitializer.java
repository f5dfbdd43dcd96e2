package roomgate.gateway.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.cluster.NodeView;
import roomgate.gateway.GatewayConfig;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.routing.RouterGroup;
import roomgate.gateway.session.SessionHandler;
import roomgate.websocket.ClientFrameCodec;
import java.util.function.Supplier;

/**
 * The pipeline of a client connection, one handler per concern: HTTP codec and aggregator, health
 * (HTTP only; removed after the upgrade), the WebSocket protocol handler (handshake, control
 * frames, the frame size limit), reassembly of fragmented frames, the protobuf/JSON frame codec, and
 * the session.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    public static final String WEBSOCKET_PATH = "/ws";
    /** An HTTP request before the upgrade is a GET with headers; it needs no more than this. */
    private static final int MAX_HTTP_REQUEST_BYTES = 16 * 1024;

    private final GatewayConfig config;
    private final RouterGroup routers;
    private final Supplier<NodeView> view;
    private final AtomicLong sessionIds = new AtomicLong();
    private final WebSocketServerProtocolConfig websocket;
    private final TrafficRecorder recorder;

    public GatewayInitializer(GatewayConfig config, RouterGroup routers, Supplier<NodeView> view) {
        this(config, routers, view, TrafficRecorder.OFF);
    }

    public GatewayInitializer(GatewayConfig config, RouterGroup routers, Supplier<NodeView> view,
            TrafficRecorder recorder) {
        this.config = config;
        this.routers = routers;
        this.view = view;
        this.recorder = recorder;
        this.websocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WEBSOCKET_PATH)
                // Accept /ws?room=r1 too: a client that also talks to a proxy hashing on the query
                // (nginx's "hash $arg_room") can use one URL everywhere; the query is ignored here.
                .checkStartsWith(true)
                .handshakeTimeoutMillis(10_000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.maxFrameBytes())
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .build())
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("http-codec", new HttpServerCodec());
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
        p.addLast(SessionHandler.HEALTH_HANDLER, new HealthHandler(WEBSOCKET_PATH, config.gatewayId(), view));
        p.addLast("websocket", new WebSocketServerProtocolHandler(websocket));
        p.addLast("frame-aggregator", new WebSocketFrameAggregator(config.maxFrameBytes()));
        p.addLast("frame-codec", new ClientFrameCodec());
        p.addLast("session", new SessionHandler(routers, sessionIds, config.ratePerSecond(), config.rateBurst(),
                recorder));
    }
}
