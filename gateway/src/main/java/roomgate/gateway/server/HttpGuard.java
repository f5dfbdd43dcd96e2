package roomgate.gateway.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;

/**
 * The HTTP phase of a client connection, after the aggregator: each request must arrive whole
 * within {@code timeoutSeconds} of the connection's start or of the previous request, or the
 * connection is answered 408 and closed. That one deadline covers a request sent a byte a second
 * (slowloris), a socket that never says anything, an idle keep-alive connection, and one whose
 * reading stopped because it does not read its answers. A request the HTTP decoder could not decode
 * is answered and closed: 431 for headers past the decoder's limit, 414 for a too-long request line,
 * 400 otherwise (the decoder discards whatever follows a bad request, so the connection is useless).
 * A keep-alive connection carries at most {@link #MAX_REQUESTS} requests (nginx's
 * {@code keepalive_requests} does the same): the last one is passed on as {@code Connection: close},
 * so its answer says so and the connection closes behind it; a client pipelining requests it never
 * reads the answers to then costs the event loop a hundred answers, not as many as it can send
 * before its output fills, and what it sent after those is dropped. Removed from the pipeline
 * once the connection is a WebSocket.
 */
public final class HttpGuard extends ChannelInboundHandlerAdapter {
    /** Requests one HTTP connection may carry; HTTP clients open a new connection when one closes. */
    static final int MAX_REQUESTS = 100;

    private final long timeoutSeconds;
    private final GatewayMetrics metrics;
    private ScheduledFuture<?> deadline;
    private int requests;

    public HttpGuard(long timeoutSeconds, GatewayMetrics metrics) {
        this.timeoutSeconds = timeoutSeconds;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (deadline == null) {
            arm(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request) {
            if (request.decoderResult().isFailure()) {
                Throwable cause = request.decoderResult().cause();
                ReferenceCountUtil.release(msg);
                HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                        ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                        : cause instanceof TooLongHttpLineException
                                ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                                : HttpResponseStatus.BAD_REQUEST;
                String why = cause instanceof TooLongFrameException ? cause.getMessage() : "malformed HTTP request";
                refuse(ctx, status, why);
                return;
            }
            if (++requests > MAX_REQUESTS) {
                ReferenceCountUtil.release(msg);
                if (requests == MAX_REQUESTS + 1) {
                    disarm();
                    metrics.refused(Refusal.HTTP_REQUESTS);
                    // Behind the answers already written; and whether or not they leave, in a second.
                    ctx.channel().config().setAutoRead(false);
                    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    ctx.executor()
                            .schedule(
                                    () -> {
                                        ctx.close();
                                    },
                                    Closing.FRAME_GRACE_MILLIS,
                                    TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (requests == MAX_REQUESTS && !request.headers().contains(HttpHeaderNames.UPGRADE)) {
                request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            // The next request (or the upgrade's completion) has a full deadline of its own.
            disarm();
            arm(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    private void arm(ChannelHandlerContext ctx) {
        deadline = ctx.executor()
                .schedule(
                        () -> {
                            deadline = null;
                            refuse(
                                    ctx,
                                    HttpResponseStatus.REQUEST_TIMEOUT,
                                    "no complete request within " + timeoutSeconds + " s");
                        },
                        timeoutSeconds,
                        TimeUnit.SECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
        disarm();
        if (!ctx.channel().isActive()) {
            return;
        }
        metrics.refused(status == HttpResponseStatus.REQUEST_TIMEOUT ? Refusal.HTTP_TIMEOUT : Refusal.HTTP_BAD_REQUEST);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                status,
                Unpooled.copiedBuffer(
                        status.code() + " " + status.reasonPhrase() + ": " + why + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        // A client that does not read would never let the answer go: the connection ends anyway.
        ctx.executor()
                .schedule(
                        () -> {
                            ctx.close();
                        },
                        Closing.FRAME_GRACE_MILLIS,
                        TimeUnit.MILLISECONDS);
    }
}
