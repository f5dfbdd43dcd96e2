package roomgate.gateway.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.auth.DevTokenHandler;
import roomgate.gateway.config.GatewayConfig;
import roomgate.gateway.feed.PubSubManager;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.gateway.metrics.ClientMessageMeter;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.MoveLatencyMeter;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.routing.RouterGroup;
import roomgate.gateway.tls.ServerTls;
import roomgate.gateway.web.StaticFileHandler;
import roomgate.gateway.web.WebAssets;
import roomgate.placement.NodeView;
import roomgate.wire.client.ClientFrameCodec;

/**
 * The pipeline of a client connection: TLS when configured (nearest the socket), the output budget
 * (so it sees every byte written), keepalive (so every byte read counts against silence), HTTP codec
 * and aggregator, the HTTP deadline, the Origin check of the upgrade, the browser pages, games and
 * health (HTTP only; removed after the upgrade), the frame guard (pings and fragments against the
 * rate limit), the WebSocket protocol handler (handshake, control frames, the frame size limit),
 * reassembly of fragmented frames, the protobuf/JSON frame codec (which counts the data frames),
 * the connection's meters, and the session. Every idle WebSocket carries each handler left after the
 * upgrade, so concerns share one where they can (IdleWebSocketPipelineTest lists them). A
 * connection past the connection caps gets no pipeline: it is closed as it is accepted.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    public static final String WEBSOCKET_PATH = "/ws";
    /** An HTTP request before the upgrade is a GET with headers; it needs no more than this. */
    private static final int MAX_HTTP_REQUEST_BYTES = 16 * 1024;

    private final GatewayConfig config;
    private final ChannelGroup clients;
    private final RouterGroup routers;
    private final PubSubManager feeds;
    private final GamesHttpHandler games;
    private final Supplier<NodeView> view;
    private final AtomicLong sessionIds = new AtomicLong();
    private final ClientAuth auth;
    /** {@code GET /auth/dev-token}, or null unless --auth-dev-tokens. */
    private final DevTokenHandler devTokens;

    private final WebSocketServerProtocolConfig websocket;
    private final GatewayMetrics metrics;
    private final TrafficRecorder recorder;
    private final ConnectionCaps caps;
    /** The browser pages, read from the jar once, here. */
    private final StaticFileHandler pages = new StaticFileHandler(WebAssets.pages(), WEBSOCKET_PATH);

    private final MoveLatencyMeter.Timers moveLatency;

    /** TLS for new connections; null when the port is plain. */
    private final ServerTls tls;

    public GatewayInitializer(
            GatewayConfig config,
            ChannelGroup clients,
            RouterGroup routers,
            PubSubManager feeds,
            GamesHttpHandler games,
            Supplier<NodeView> view,
            ClientAuth auth,
            DevTokenHandler devTokens,
            GatewayMetrics metrics,
            TrafficRecorder recorder,
            ServerTls tls) {
        this.tls = tls;
        this.recorder = recorder;
        this.metrics = metrics;
        this.moveLatency = MoveLatencyMeter.Timers.of(metrics.registry());
        this.config = config;
        this.clients = clients;
        this.routers = routers;
        this.feeds = feeds;
        this.games = games;
        this.view = view;
        this.auth = auth;
        this.devTokens = devTokens;
        this.caps = new ConnectionCaps(
                config.limits().maxConnections(), config.limits().maxConnectionsPerAddress());
        this.websocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WEBSOCKET_PATH)
                // Accept /ws?room=r1 too: a client that also talks to a proxy hashing on the query
                // (nginx's "hash $arg_room") can use one URL everywhere; the query is ignored here.
                .checkStartsWith(true)
                .handshakeTimeoutMillis(10_000)
                // No close frame of its own when the connection is closed: whoever closes a WebSocket
                // sends the one close frame with its reason (the decoder a 1009 for an oversized frame,
                // the session a 1008...); a second one (1000) after it breaks RFC 6455 5.5.1.
                .sendCloseFrame(null)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.maxFrameBytes())
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .build())
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        GatewayMetrics.Refusal refusal = caps.admit(ch);
        if (refusal != null) {
            metrics.refused(refusal);
            ch.close();
            return;
        }
        clients.add(ch);
        GatewayConfig.ClientLimits limits = config.limits();
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
        }
        p.addLast("output-guard", new OutputGuard(limits.outputBudgetBytes(), metrics));
        p.addLast("keepalive", new KeepAlive(limits.pingIntervalSeconds(), limits.idleTimeoutSeconds(), metrics));
        p.addLast("http-codec", new HttpServerCodec());
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
        p.addLast(SessionHandler.HTTP_GUARD, new HttpGuard(limits.httpTimeoutSeconds(), metrics));
        p.addLast("origin", new OriginCheck(WEBSOCKET_PATH, config.edge().allowedOrigins(), tls != null, metrics));
        p.addLast("games", games);
        p.addLast("pages", pages);
        if (devTokens != null) {
            p.addLast(SessionHandler.DEV_TOKENS, devTokens);
        }
        p.addLast(
                SessionHandler.HEALTH_HANDLER,
                new HealthHandler(WEBSOCKET_PATH, view, feeds::status, games, auth.required()));
        p.addLast(
                "frame-guard",
                new FrameGuard(config.ratePerSecond(), config.rateBurst(), limits.maxFragments(), metrics));
        p.addLast("websocket", new WebSocketServerProtocolHandler(websocket));
        p.addLast("frame-aggregator", new WebSocketFrameAggregator(config.maxFrameBytes()));
        p.addLast("frame-codec", new ClientFrameCodec(metrics.frameCounter()));
        p.addLast("message-meter", new ClientMessageMeter(metrics, moveLatency));
        p.addLast(
                "session",
                new SessionHandler(
                        routers,
                        feeds,
                        sessionIds,
                        config.gatewayId(),
                        auth,
                        config.ratePerSecond(),
                        config.rateBurst(),
                        limits,
                        metrics,
                        recorder));
    }
}
