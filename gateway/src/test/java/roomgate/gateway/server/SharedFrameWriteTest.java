package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.session.ClientSession;
import roomgate.gateway.session.LoopFlusher;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.ClientFrameCodec;
import roomgate.wire.client.Delivery;

/**
 * Shared frames written below the WebSocket encoder: byte for byte what the encoder writes for the
 * same message, one buffer for all clients of an encoding, and held to the output budget like any
 * write.
 */
class SharedFrameWriteTest {
    private static final ServerMessage EVENT = ServerMessage.newBuilder()
            .setEvent(RoomEvent.newBuilder().setRoomId("r1").setSequence(7))
            .build();

    private static EmbeddedChannel client(long budget) {
        return new EmbeddedChannel(
                new OutputGuard(budget, GatewayMetrics.disabled()),
                new WebSocket13FrameEncoder(false),
                new ClientFrameCodec());
    }

    private static ClientSession session(EmbeddedChannel channel) {
        ClientSession session = new ClientSession(1, "p1", channel);
        session.batchWrites(
                GuardedFrameOutput.of(channel.pipeline(), GatewayMetrics.disabled()),
                LoopFlusher.of(channel.eventLoop()));
        return session;
    }

    /**
     * The buffer a write is a view of. One level of unwrap() is not enough: Netty's leak detector
     * wraps the frames it samples (one in 128) and each duplicate of them in a tracking buffer.
     */
    private static ByteBuf frameOf(ByteBuf write) {
        ByteBuf frame = write;
        while (frame.unwrap() != null) {
            frame = frame.unwrap();
        }
        return frame;
    }

    private static byte[] encodedByNetty(WebSocketFrame frame) {
        EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        encoder.writeOutbound(frame);
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return ByteBufUtil.getBytes(all);
    }

    private static List<ByteBuf> written(EmbeddedChannel channel) {
        List<ByteBuf> out = new ArrayList<>();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.add(b);
        }
        return out;
    }

    @Test
    void eachEncodingIsEncodedOnceAndWrittenAsNettysEncoderWould() {
        EmbeddedChannel binary = client(1 << 20);
        EmbeddedChannel text = client(1 << 20);
        // The text client spoke JSON last, so it is answered in text frames.
        text.writeInbound(new TextWebSocketFrame("{\"ping\":{}}"));
        Object decoded = text.readInbound();
        assertThat(decoded).isInstanceOf(ClientMessage.class);
        ClientSession b = session(binary);
        ClientSession t = session(text);

        Delivery delivery = Delivery.of(EVENT);
        b.deliverShared(delivery);
        b.deliverShared(delivery);
        t.deliverShared(delivery);
        binary.runPendingTasks();
        text.runPendingTasks();

        List<ByteBuf> toBinary = written(binary);
        List<ByteBuf> toText = written(text);
        assertThat(toBinary).hasSize(2);
        assertThat(toText).hasSize(1);
        byte[] expectedBinary = encodedByNetty(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(EVENT.toByteArray())));
        assertThat(ByteBufUtil.getBytes(toBinary.get(0))).isEqualTo(expectedBinary);
        assertThat(ByteBufUtil.getBytes(toBinary.get(1))).isEqualTo(expectedBinary);
        assertThat(frameOf(toBinary.get(0))).as("one shared buffer").isSameAs(frameOf(toBinary.get(1)));
        assertThat(ByteBufUtil.getBytes(toText.get(0)))
                .isEqualTo(encodedByNetty(new TextWebSocketFrame(delivery.json())));

        ByteBuf shared = frameOf(toBinary.get(0));
        delivery.releaseFrames();
        assertThat(shared.refCnt()).as("writes in flight keep the frame").isPositive();
        toBinary.forEach(ByteBuf::release);
        toText.forEach(ByteBuf::release);
        assertThat(shared.refCnt()).as("freed with the last write").isZero();
    }

    @Test
    void longerPayloadsGetNettysExtendedLengthHeaders() {
        for (int size : new int[] {125, 126, 65_535, 65_536, 70_000}) {
            ServerMessage big = ServerMessage.newBuilder()
                    .setRequestId("x".repeat(size))
                    .setPong(roomgate.protocol.v1.Pong.getDefaultInstance())
                    .build();
            EmbeddedChannel channel = client(1 << 20);
            Delivery delivery = Delivery.of(big);
            session(channel).deliverShared(delivery);
            channel.runPendingTasks();
            List<ByteBuf> out = written(channel);
            assertThat(ByteBufUtil.getBytes(out.get(0)))
                    .as("payload of %d bytes", big.getSerializedSize())
                    .isEqualTo(encodedByNetty(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(big.toByteArray()))));
            out.forEach(ByteBuf::release);
            delivery.releaseFrames();
        }
    }

    @Test
    void sharedFramesCountAgainstTheOutputBudget() {
        EmbeddedChannel channel = client(100);
        ClientSession session = session(channel);
        ServerMessage big = ServerMessage.newBuilder()
                .setRequestId("y".repeat(300))
                .setPong(roomgate.protocol.v1.Pong.getDefaultInstance())
                .build();
        // Not flushed yet, so the bytes stay queued: the second write crosses the budget.
        channel.config().setWriteBufferHighWaterMark(1 << 20);
        Delivery delivery = Delivery.of(big);
        session.deliverShared(delivery);
        assertThat(channel.isOpen()).isTrue();
        session.deliverShared(delivery);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("closed for reading too slowly").isFalse();
        delivery.releaseFrames();
        written(channel).forEach(ByteBuf::release);
    }

    @Test
    void aFrameCannotBeTakenAfterItsDeliveryWasReleased() {
        Delivery delivery = Delivery.of(EVENT);
        delivery.frame(false);
        delivery.releaseFrames();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> delivery.frame(false))
                .isInstanceOf(IllegalStateException.class);
    }
}
