package roomgate.gateway.auth;

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
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /auth/dev-token?player=NAME} answers {@code {"token":"..."}}: a token for any player,
 * signed with the development HS256 secret. Only in the pipeline with {@code --auth-dev-tokens true}
 * (the local launcher, tests): whoever reaches the port can then be anyone, which the gateway logs
 * loudly at start. Other requests pass on.
 */
@ChannelHandler.Sharable
public final class DevTokenHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    public static final String PATH = "/auth/dev-token";
    /** Long enough for an evening of local play. */
    static final Duration TTL = Duration.ofHours(12);

    private final DevTokens tokens;

    public DevTokenHandler(DevTokens tokens) {
        super(false);
        this.tokens = tokens;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (!uri.path().equals(PATH)) {
            ctx.fireChannelRead(request);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            if (!request.method().equals(HttpMethod.GET)) {
                respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, error("GET only", 405), keepAlive);
                return;
            }
            List<String> players = uri.parameters().get("player");
            String player = players == null || players.isEmpty() ? null : players.get(0);
            String problem = TokenVerifier.playerIdProblem(player);
            if (problem != null) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, error("player: " + problem, 400), keepAlive);
                return;
            }
            respond(ctx, HttpResponseStatus.OK, "{\"token\":\"" + tokens.mint(player, TTL) + "\"}", keepAlive);
        } finally {
            request.release();
        }
    }

    private static String error(String message, int status) {
        return "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"status\":" + status + "}";
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String json, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(json + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
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
