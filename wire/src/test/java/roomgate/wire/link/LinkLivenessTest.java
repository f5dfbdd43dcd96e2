package roomgate.wire.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import roomgate.protocol.link.v1.Heartbeat;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.RoomLost;

/** Heartbeats on a quiet link; a link silent or unwritable for the timeout is closed; on a frozen clock. */
class LinkLivenessTest {
    private static final LinkSettings SETTINGS =
            new LinkSettings(LinkSettings.Mode.NONE, null, Duration.ofMillis(1_000), Duration.ofMillis(5_000));

    private final List<String> dropped = new ArrayList<>();
    private final List<Object> passedOn = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    LinkLivenessTest() {
        channel.freezeTime();
        LinkCodec.install(channel.pipeline());
        LinkLiveness.install(channel.pipeline(), SETTINGS, dropped::add);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passedOn.add(msg);
            }
        });
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
    }

    /** As the outbound buffer crossing a water mark: Netty tells the pipeline in a task of its own. */
    private void writable(boolean writable) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        channel.runPendingTasks();
        assertThat(channel.isWritable()).isEqualTo(writable);
    }

    private void receive(LinkFrame frame) {
        ByteBuf wire = channel.alloc().buffer();
        byte[] bytes = frame.toByteArray();
        wire.writeInt(bytes.length).writeBytes(bytes);
        channel.writeInbound(wire);
    }

    private List<LinkFrame> written() throws Exception {
        List<LinkFrame> frames = new ArrayList<>();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            try {
                out.skipBytes(4);
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                frames.add(LinkFrame.parseFrom(bytes));
            } finally {
                out.release();
            }
        }
        return frames;
    }

    @Test
    void aQuietLinkSendsHeartbeatsAndHeartbeatsReceivedGoNoFurther() throws Exception {
        advance(999);
        assertThat(written()).isEmpty();
        advance(2);
        assertThat(written())
                .singleElement()
                .satisfies(f -> assertThat(f.hasHeartbeat()).isTrue());

        receive(LinkFrame.newBuilder()
                .setHeartbeat(Heartbeat.getDefaultInstance())
                .build());
        receive(LinkFrame.newBuilder()
                .setRoomLost(RoomLost.newBuilder().setRoomId("r"))
                .build());
        assertThat(passedOn)
                .singleElement()
                .satisfies(m -> assertThat(((LinkFrame) m).hasRoomLost()).isTrue());
    }

    @Test
    void aLinkThatHearsNothingForTheTimeoutIsClosed() {
        advance(4_000);
        // Any frame, heartbeats included, shows the peer is alive.
        receive(LinkFrame.newBuilder()
                .setHeartbeat(Heartbeat.getDefaultInstance())
                .build());
        advance(4_000);
        assertThat(channel.isOpen()).isTrue();
        assertThat(dropped).isEmpty();

        advance(1_001);
        assertThat(channel.isOpen()).isFalse();
        assertThat(dropped).singleElement().asString().contains("heard nothing for 5000 ms");
    }

    @Test
    void aLinkUnwritableForTheTimeoutIsClosedAndOneThatRecoversIsNot() {
        // Keep it from timing out for silence meanwhile.
        LinkFrame beat = LinkFrame.newBuilder()
                .setHeartbeat(Heartbeat.getDefaultInstance())
                .build();
        writable(false);
        advance(3_000);
        receive(beat);
        writable(true);
        advance(3_000);
        receive(beat);
        assertThat(channel.isOpen()).as("writable again within the timeout").isTrue();

        writable(false);
        advance(3_000);
        receive(beat);
        assertThat(channel.isOpen()).isTrue();
        advance(2_001);
        assertThat(channel.isOpen()).isFalse();
        assertThat(dropped).singleElement().asString().contains("high water mark");
    }

    @Test
    void theWaterMarksAreSet() {
        assertThat(channel.config().getWriteBufferHighWaterMark()).isEqualTo(LinkLiveness.WATER_MARK.high());
        assertThat(channel.config().getWriteBufferLowWaterMark()).isEqualTo(LinkLiveness.WATER_MARK.low());
    }
}
