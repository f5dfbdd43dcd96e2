package roomgate.gateway.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
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
import java.util.Map;
import java.util.Optional;

/**
 * The browser pages on the client port, before the WebSocket upgrade: a GET or HEAD of a path in
 * {@link WebAssets#pages()} is answered from memory on the event loop (a lookup and a write of bytes
 * already read, nothing that blocks), with {@code ETag} and {@code 304} for a matching
 * {@code If-None-Match}; another method on such a path is a 405. Every other path is passed on (the
 * health handler answers unknown ones 404). Leaves the pipeline when the request is the upgrade.
 * One instance serves every connection.
 */
@ChannelHandler.Sharable
public final class StaticFileHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final WebAssets assets;
    private final String websocketPath;

    public StaticFileHandler(WebAssets assets, String websocketPath) {
        super(false);
        this.assets = assets;
        this.websocketPath = websocketPath;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        Optional<WebAssets.Asset> asset = assets.get(path);
        if (asset.isEmpty()) {
            if (path.startsWith(websocketPath)) {
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(request);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod method = request.method();
        String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        request.release();
        FullHttpResponse response;
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            response = response(
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    Unpooled.copiedBuffer(method + " " + path + " (expected: GET)\n", StandardCharsets.UTF_8),
                    "text/plain; charset=utf-8");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else {
            WebAssets.Asset found = asset.get();
            boolean notModified = found.etag().equals(ifNoneMatch);
            HttpResponseStatus status = notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK;
            // A wrapper around the shared bytes: no copy per request; nothing writes to them.
            ByteBuf body = notModified || method.equals(HttpMethod.HEAD)
                    ? Unpooled.EMPTY_BUFFER
                    : Unpooled.wrappedBuffer(found.body());
            response = response(status, body, found.contentType());
            response.headers()
                    .set(HttpHeaderNames.ETAG, found.etag())
                    .set(HttpHeaderNames.CACHE_CONTROL, WebAssets.CACHE_CONTROL);
            if (method.equals(HttpMethod.HEAD)) {
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, found.body().length);
            }
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, ByteBuf body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        for (Map.Entry<String, String> header : WebAssets.securityHeaders().entrySet()) {
            response.headers().set(header.getKey(), header.getValue());
        }
        return response;
    }
}
