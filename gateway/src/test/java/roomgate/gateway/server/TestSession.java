package roomgate.gateway.server;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.config.GatewayConfig;
import roomgate.gateway.config.GatewayConfig.ClientLimits;
import roomgate.gateway.feed.PubSubManager;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.routing.LinkOptions;
import roomgate.gateway.routing.RouterGroup;
import roomgate.gateway.session.ResumeTokens;
import roomgate.placement.NodeView;
import roomgate.runtime.net.Transport;
import roomgate.wire.client.ClientFrameCodec;

/**
 * The session handler of one client connection as the gateway builds it, for tests on an
 * EmbeddedChannel: gateway id "gw-test", routers with no node behind them (link auth off), traffic
 * not recorded. A test sets what it varies (auth, feeds, rates and limits, meters), adds
 * {@link #handler} behind the codecs it needs, and starts the session with {@link #upgraded}; or takes
 * a whole binary client connection with {@link #connect}.
 */
public final class TestSession {
    /** Resume tokens under a fixed test key. */
    public static final ResumeTokens RESUME_TOKENS = new ResumeTokens(new byte[32], Duration.ofMinutes(10));

    private ClientAuth auth = ClientAuth.none(RESUME_TOKENS);
    private PubSubManager feeds = PubSubManager.instance();
    private AtomicLong sessionIds = new AtomicLong();
    private int ratePerSecond = 1_000;
    private int burst = 1_000;
    private ClientLimits limits = ClientLimits.defaults();
    private GatewayMetrics metrics = GatewayMetrics.disabled();

    public TestSession auth(ClientAuth auth) {
        this.auth = auth;
        return this;
    }

    public TestSession feeds(PubSubManager feeds) {
        this.feeds = feeds;
        return this;
    }

    /** Session ids shared with other sessions (participant ids must differ across them). */
    public TestSession sessionIds(AtomicLong sessionIds) {
        this.sessionIds = sessionIds;
        return this;
    }

    public TestSession rate(int ratePerSecond, int burst) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        return this;
    }

    /** The rates and client limits of a parsed configuration. */
    public TestSession limits(GatewayConfig config) {
        this.limits = config.limits();
        return rate(config.ratePerSecond(), config.rateBurst());
    }

    public TestSession metrics(GatewayMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /** A new handler, its routers on {@code channel}'s event loop. */
    public SessionHandler handler(Channel channel) {
        RouterGroup routers = new RouterGroup(
                channel.eventLoop(), LinkOptions.unauthenticated("gw-test"), NodeView::empty, Transport.NIO, metrics);
        return new SessionHandler(
                routers,
                feeds,
                sessionIds,
                "gw-test",
                auth,
                ratePerSecond,
                burst,
                limits,
                metrics,
                TrafficRecorder.OFF);
    }

    /**
     * A client's connection to a new session: {@link #handler} behind the client frame codec on a new
     * EmbeddedChannel, upgraded at {@code uri} with {@code headers} (where a token may be).
     */
    public TestConnection connect(String uri, HttpHeaders headers) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new ClientFrameCodec(), handler(channel));
        upgraded(channel, uri, headers);
        return new TestConnection(channel);
    }

    /** As {@link #connect(String, HttpHeaders)}, at {@code /ws} without headers. */
    public TestConnection connect() {
        return connect("/ws", new DefaultHttpHeaders());
    }

    /** The upgrade to {@code /ws} is complete, without headers: the session starts. */
    public static void upgraded(Channel channel) {
        upgraded(channel, "/ws", new DefaultHttpHeaders());
    }

    /** The upgrade request {@code uri} with {@code headers} is complete, as the WebSocket handler says. */
    public static void upgraded(Channel channel, String uri, HttpHeaders headers) {
        channel.pipeline()
                .fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete(uri, headers, null));
    }
}
