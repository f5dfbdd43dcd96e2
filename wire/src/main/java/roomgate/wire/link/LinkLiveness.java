package roomgate.wire.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import roomgate.protocol.link.v1.Heartbeat;
import roomgate.protocol.link.v1.LinkFrame;

/**
 * Keeps a link honest about being alive, the same at both ends: a link that has written nothing for
 * the heartbeat interval writes a {@code Heartbeat}; a link that has read nothing at all for the
 * timeout, or whose peer has not taken its bytes for the timeout (unwritable: past the high water
 * mark), is closed, and the end that closes it handles that as any lost link (a gateway moves the
 * node's rooms; a node forgets the gateway's sessions). Heartbeats received are dropped here.
 *
 * <p>Without this a paused or wedged peer keeps its link open for as long as TCP does (minutes) and
 * the other end queues everything it sends it in memory meanwhile.
 */
public final class LinkLiveness extends ChannelDuplexHandler {
    public static final String NAME = "link-liveness";
    private static final String IDLE = "link-idle";

    /** Past this much queued output a link is unwritable; its clock starts then. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1024 * 1024, 8 * 1024 * 1024);

    private static final LinkFrame HEARTBEAT =
            LinkFrame.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build();

    private final long timeoutMillis;
    private final Consumer<String> dropped;
    private ScheduledFuture<?> unwritableCheck;

    private LinkLiveness(long timeoutMillis, Consumer<String> dropped) {
        this.timeoutMillis = timeoutMillis;
        this.dropped = dropped;
    }

    /**
     * Adds the heartbeat and the timeouts after the link codec; {@code dropped} hears why, once, when
     * this closes the link (to log and count it).
     */
    public static void install(ChannelPipeline pipeline, LinkSettings settings, Consumer<String> dropped) {
        pipeline.channel().config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        pipeline.addLast(
                IDLE,
                new IdleStateHandler(
                        settings.timeout().toMillis(), settings.heartbeat().toMillis(), 0, TimeUnit.MILLISECONDS));
        pipeline.addLast(NAME, new LinkLiveness(settings.timeout().toMillis(), dropped));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LinkFrame frame && frame.hasHeartbeat()) {
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                drop(ctx, "heard nothing for " + timeoutMillis + " ms");
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(HEARTBEAT, ctx.voidPromise());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            if (unwritableCheck == null) {
                unwritableCheck = ctx.executor()
                        .schedule(
                                () -> {
                                    unwritableCheck = null;
                                    if (!ctx.channel().isWritable()) {
                                        drop(
                                                ctx,
                                                "peer let its queue stay past the high water mark for " + timeoutMillis
                                                        + " ms");
                                    }
                                },
                                timeoutMillis,
                                TimeUnit.MILLISECONDS);
            }
        } else if (unwritableCheck != null) {
            unwritableCheck.cancel(false);
            unwritableCheck = null;
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (unwritableCheck != null) {
            unwritableCheck.cancel(false);
            unwritableCheck = null;
        }
        ctx.fireChannelInactive();
    }

    private void drop(ChannelHandlerContext ctx, String why) {
        if (ctx.channel().isOpen()) {
            dropped.accept(why);
            ctx.close();
        }
    }
}
