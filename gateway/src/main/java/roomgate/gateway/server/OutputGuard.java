package roomgate.gateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import roomgate.gateway.metrics.GatewayMetrics;

/**
 * The first handler of a client connection, nearest the socket, so every byte written to the client
 * passes it: HTTP answers, pongs, close frames, errors, room events, feed updates. It holds the
 * connection to one output budget: a write that would leave more than {@code budgetBytes} queued
 * (written but not yet taken by the kernel) closes the connection at once. No close frame is sent
 * then: it could only queue behind the bytes the client is not reading.
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

    public OutputGuard(long budgetBytes, GatewayMetrics metrics) {
        this.budgetBytes = budgetBytes;
        this.metrics = metrics;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!exceeded) {
            ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
            long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
            if (pending + sizeOf(msg) <= budgetBytes) {
                ctx.write(msg, promise);
                return;
            }
            exceeded = true;
            metrics.refused(GatewayMetrics.Refusal.OUTPUT_BUDGET);
            ctx.close();
        }
        ReferenceCountUtil.release(msg);
        if (!promise.isVoid()) {
            promise.tryFailure(new ClosedChannelException());
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
