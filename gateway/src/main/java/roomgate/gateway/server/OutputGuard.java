package roomgate.gateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import roomgate.gateway.metrics.GatewayMetrics;

/**
 * The first handler of a client connection, nearest the socket, so every byte written to the client
 * passes it: HTTP answers, pongs, close frames, errors, room events, feed updates. It holds the
 * connection to one output budget: a write that would leave more than {@code budgetBytes} queued
 * (written but not yet taken by the kernel) ends the connection. An HTTP connection is closed at
 * once. A WebSocket gets the rest of the write batch that crossed the budget (a frame's header and
 * payload may be two writes, and a frame cut in two would garble what follows), then one close
 * frame (1008) with the reason, and is closed when that has left or after a second: it can only
 * leave behind the bytes the client is not reading. Whatever is written after that is dropped.
 *
 * <p>And it stops reading while the connection is unwritable (Netty's backpressure idiom): a client
 * that does not read what it asked for cannot make the gateway answer more, since its requests stay
 * in the kernel until its answers leave. Reading resumes when the connection is writable again,
 * unless someone else (a scrape, the goodbye) turned reading off meanwhile.
 */
public final class OutputGuard extends ChannelDuplexHandler {
    /** Set by whoever stops reading a connection for good (the goodbye): writability must not resume it. */
    public static final AttributeKey<Boolean> READING_STOPPED = AttributeKey.valueOf("roomgate.readingStopped");

    private final long budgetBytes;
    private final GatewayMetrics metrics;
    private boolean pausedForOutput;
    private boolean exceeded;
    /** From the write that crossed the budget to the next flush: the rest of its frame still goes. */
    private boolean overdraft;
    /** While the one close frame after the budget was exceeded is being written. */
    private boolean writingClose;

    private ChannelHandlerContext ctx;

    public OutputGuard(long budgetBytes, GatewayMetrics metrics) {
        this.budgetBytes = budgetBytes;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Writes bytes that are already whole WebSocket frames, as if they had come down the pipeline to
     * here: held to the budget like any write, without passing the handlers above. On the loop.
     */
    void writeEncoded(ByteBuf frame) {
        write(ctx, frame, ctx.voidPromise());
    }

    /** Flushes what {@link #writeEncoded} (and anyone else) wrote, as a flush reaching here would. */
    void flushEncoded() {
        flush(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (writingClose || overdraft) {
            ctx.write(msg, promise);
            return;
        }
        if (!exceeded) {
            ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
            long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
            if (pending + sizeOf(msg) <= budgetBytes) {
                ctx.write(msg, promise);
                return;
            }
            exceeded = true;
            metrics.refused(GatewayMetrics.Refusal.OUTPUT_BUDGET);
            if (ctx.pipeline().get(WebSocketFrameEncoder.class) != null) {
                overdraft = true;
                ctx.write(msg, promise);
                return;
            }
            ctx.close();
        }
        ReferenceCountUtil.release(msg);
        if (!promise.isVoid()) {
            promise.tryFailure(new ClosedChannelException());
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (overdraft) {
            overdraft = false;
            // On the loop: the close frame passes through write() while the flag is up.
            writingClose = true;
            try {
                Closing.close(
                        ctx.channel(),
                        WebSocketCloseStatus.POLICY_VIOLATION,
                        "client reads too slowly: more than " + budgetBytes + " bytes queued");
            } finally {
                writingClose = false;
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!channel.isWritable()) {
            if (channel.config().isAutoRead()) {
                pausedForOutput = true;
                channel.config().setAutoRead(false);
            }
        } else if (pausedForOutput) {
            pausedForOutput = false;
            if (!Boolean.TRUE.equals(channel.attr(READING_STOPPED).get())) {
                channel.config().setAutoRead(true);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private static long sizeOf(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        if (msg instanceof FileRegion region) {
            return region.count();
        }
        return 0;
    }
}
