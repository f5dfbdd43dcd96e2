package roomgate.gateway.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;

/**
 * Which web pages may open a WebSocket to the gateway. A browser lets any page open a WebSocket to
 * any host and sends the page's {@code Origin} with the upgrade request; the server is the one
 * that must refuse (RFC 6455 10.2). The upgrade request to the WebSocket path is allowed when it
 * has no {@code Origin} (not a browser: the Java client, websocat, the load tester), when its
 * origin is in {@code --allowed-origins}, or when it is same-origin: the origin's host and port
 * are those of the {@code Host} header (default ports by scheme). Anything else is answered 403
 * and the connection closed. Other HTTP requests pass untouched (browsers apply CORS to them
 * themselves). The handler leaves the pipeline once it has let an upgrade request through.
 */
public final class OriginCheck extends ChannelInboundHandlerAdapter {
    private final String websocketPath;
    private final Set<String> allowed;
    private final boolean tls;
    private final GatewayMetrics metrics;

    /**
     * @param allowed origins as {@code scheme://host[:port]} in lower case
     * @param tls whether the connection is TLS: the scheme a {@code Host} without a port defaults to
     */
    public OriginCheck(String websocketPath, List<String> allowed, boolean tls, GatewayMetrics metrics) {
        this.websocketPath = websocketPath;
        this.allowed = Set.copyOf(allowed);
        this.tls = tls;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && isUpgrade(request)) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (origin != null && !allowed(origin, request.headers().get(HttpHeaderNames.HOST))) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, origin);
                return;
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    private boolean isUpgrade(FullHttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        return path.equals(websocketPath)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /** Whether a browser page of {@code origin} may open a WebSocket to the server named by {@code host}. */
    boolean allowed(String origin, String host) {
        String normalized = origin.strip().toLowerCase(Locale.ROOT);
        if (allowed.contains(normalized)) {
            return true;
        }
        String originAuthority = authority(normalized);
        return originAuthority != null
                && host != null
                && originAuthority.equals(hostAuthority(host.strip().toLowerCase(Locale.ROOT)));
    }

    /** {@code host:port} of an origin, the port defaulted by its scheme; null if it is no http(s) origin ("null"). */
    private static String authority(String origin) {
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                return null;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
            return uri.getHost() + ":" + port;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** {@code host:port} of a Host header, the port defaulted by this connection's scheme. */
    private String hostAuthority(String host) {
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > host.lastIndexOf(']'); // an IPv6 literal has colons of its own
        return hasPort ? host : host + ":" + (tls ? 443 : 80);
    }

    private void refuse(ChannelHandlerContext ctx, String origin) {
        metrics.refused(Refusal.ORIGIN);
        String printable = origin.replaceAll("[^\\x20-\\x7e]", "?").replace("\"", "'");
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.FORBIDDEN,
                Unpooled.copiedBuffer(
                        "{\"error\":\"origin not allowed: " + printable
                                + " (the gateway takes WebSockets from same-origin pages and --allowed-origins)\"}\n",
                        StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        // A client that does not read would never let the answer go: the connection ends anyway.
        ctx.executor()
                .schedule(() -> ctx.close(), Closing.FRAME_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
