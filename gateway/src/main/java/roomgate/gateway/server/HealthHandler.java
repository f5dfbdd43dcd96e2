package roomgate.gateway.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import roomgate.gateway.feed.FeedStatus;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.placement.NodeView;
import roomgate.protocol.admin.v1.GatewayHealth;
import roomgate.protocol.admin.v1.TopicStatus;

/**
 * Plain HTTP on the client port, before the WebSocket upgrade: {@code GET /health} answers with
 * what a load balancer needs as JSON: the status, how many nodes are live, the archive and the feed
 * topics (upstream subscriptions, local subscribers); the WebSocket path is passed on to the
 * upgrade; anything else is a 404. The port faces the internet, so no node id, pid or address is
 * shown here (they are on the admin port, {@code GET /nodes}). Removed from the pipeline once a
 * connection becomes a WebSocket.
 */
public final class HealthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    // Zero counters too (proto3 JSON would drop them): a script reads 0, not a missing field.
    private static final JsonFormat.Printer JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();

    private final String websocketPath;
    private final Supplier<NodeView> view;
    private final Supplier<FeedStatus> feeds;
    private final GamesHttpHandler games;
    private final boolean authenticated;
    /** Not a GatewayHealth field (its JSON is parsed strictly by tools): a header whoever looks sees. */
    static final String AUTH_NONE_WARNING =
            "199 roomgate \"--auth none: clients are not authenticated; every connection is an anonymous player\"";

    public HealthHandler(
            String websocketPath, Supplier<NodeView> view, Supplier<FeedStatus> feeds, GamesHttpHandler games) {
        this(websocketPath, view, feeds, games, true);
    }

    /** {@code authenticated} false (--auth none): /health says so in a {@code Warning} header. */
    public HealthHandler(
            String websocketPath,
            Supplier<NodeView> view,
            Supplier<FeedStatus> feeds,
            GamesHttpHandler games,
            boolean authenticated) {
        super(false);
        this.authenticated = authenticated;
        this.websocketPath = websocketPath;
        this.view = view;
        this.feeds = feeds;
        this.games = games;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.equals(websocketPath)) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            if (path.equals("/health") && request.method().equals(HttpMethod.GET)) {
                respond(ctx, request, HttpResponseStatus.OK, health(), authenticated ? null : AUTH_NONE_WARNING);
            } else {
                respond(
                        ctx,
                        request,
                        HttpResponseStatus.NOT_FOUND,
                        "{\"error\":\"no such path: " + path.replace("\"", "") + " (expected: /health or "
                                + websocketPath + ")\"}",
                        null);
            }
        } finally {
            request.release();
        }
    }

    private String health() throws InvalidProtocolBufferException {
        NodeView current = view.get();
        GatewayHealth.Builder health = GatewayHealth.newBuilder()
                .setStatus(current.isEmpty() ? "no-nodes" : "ok")
                .setViewVersion(current.version())
                .setNodeCount(current.nodes().size());
        health.setArchive(games.archiveOn() ? "on" : "off").setArchiveBacklog(games.archiveBacklog());
        FeedStatus feedStatus = feeds.get();
        health.setUpstreamSubscriptions(feedStatus.upstreamSubscriptions());
        for (FeedStatus.Topic topic : feedStatus.topics()) {
            health.addTopics(TopicStatus.newBuilder()
                    .setTopic(topic.topic())
                    .setLocalSubscribers(topic.localSubscribers())
                    .setMissedUpdates(topic.missedUpdates()));
        }
        return JSON.print(health);
    }

    private static void respond(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            HttpResponseStatus status,
            String json,
            String warning) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(json + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (warning != null) {
            response.headers().set(HttpHeaderNames.WARNING, warning);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
