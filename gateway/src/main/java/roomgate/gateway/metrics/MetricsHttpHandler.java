package roomgate.gateway.metrics;

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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import roomgate.runtime.metrics.MetricsHttpServer;

/**
 * {@code GET /metrics} on the client port, before the WebSocket upgrade; every other request is
 * passed on (to the health handler, or the upgrade). A scrape computes every gauge, JVM ones
 * included, so it runs on {@code scrapeExecutor}, never on the event loop; the connection reads
 * nothing more until the answer is written. The handler leaves the pipeline when the request is
 * the WebSocket upgrade: a WebSocket carries no more HTTP.
 */
public final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String websocketPath;
    private final Supplier<String> scrape;
    private final Executor scrapeExecutor;

    public MetricsHttpHandler(String websocketPath, Supplier<String> scrape, Executor scrapeExecutor) {
        super(false);
        this.websocketPath = websocketPath;
        this.scrape = scrape;
        this.scrapeExecutor = scrapeExecutor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (!path.equals(MetricsHttpServer.PATH)) {
            if (path.startsWith(websocketPath)) {
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(request);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean get = request.method().equals(HttpMethod.GET);
        request.release();
        if (!get) {
            respond(
                    ctx,
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    request.method() + " " + MetricsHttpServer.PATH + " (expected: GET)\n",
                    "text/plain; charset=utf-8",
                    keepAlive);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        try {
            scrapeExecutor.execute(() -> {
                String body;
                try {
                    body = scrape.get();
                } catch (RuntimeException e) {
                    respond(
                            ctx,
                            HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "scrape failed: " + e + "\n",
                            "text/plain; charset=utf-8",
                            false);
                    return;
                }
                respond(ctx, HttpResponseStatus.OK, body, MetricsHttpServer.CONTENT_TYPE, keepAlive);
                ctx.channel().config().setAutoRead(true);
            });
        } catch (RejectedExecutionException shuttingDown) {
            respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down\n", "text/plain; charset=utf-8", false);
        }
    }

    /** Any thread: Netty hands the write to the channel's loop. */
    private static void respond(
            ChannelHandlerContext ctx, HttpResponseStatus status, String body, String contentType, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
