package roomgate.wire.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.FeedUpdate;
import roomgate.protocol.v1.ServerMessage;

class SharedFramesTest {
    private static final ByteString MESSAGE = ServerMessage.newBuilder()
            .setFeedUpdate(FeedUpdate.newBuilder()
                    .setTopic("stock.A")
                    .setValue(101.25)
                    .setSequence(7)
                    .setPublisherTimeMs(1_764_196_800_123L))
            .build()
            .toByteString();

    /** The frame a delivery of its own makes: what every client got before frames were shared. */
    private static byte[] ownFrame(boolean text) {
        Delivery own = Delivery.ofBytes(MESSAGE);
        try {
            return ByteBufUtil.getBytes(own.frame(text));
        } finally {
            own.releaseFrames();
        }
    }

    @Test
    void framesAreByteForByteWhatADeliveryOfItsOwnMakes() {
        SharedFrames frames = SharedFrames.of(MESSAGE, true);
        Delivery delivery = frames.delivery();
        assertThat(ByteBufUtil.getBytes(delivery.frame(false))).isEqualTo(ownFrame(false));
        assertThat(ByteBufUtil.getBytes(delivery.frame(true))).isEqualTo(ownFrame(true));
        delivery.releaseFrames();
    }

    @Test
    void everyLoopsDeliveryWritesTheSameBuffersAndTheLastReleaseFreesThem() {
        SharedFrames frames = SharedFrames.of(MESSAGE, true);
        frames.retain(); // a second loop's reference
        Delivery first = frames.delivery();
        Delivery second = frames.delivery();
        assertThat(second.frame(false)).isSameAs(first.frame(false));
        assertThat(second.frame(true)).isSameAs(first.frame(true));
        ByteBuf binary = first.frame(false);
        ByteBuf text = first.frame(true);
        ByteBuf write = binary.retainedDuplicate(); // a client write in flight

        first.retainFrames(); // a slot keeps the first loop's delivery
        first.releaseFrames();
        second.releaseFrames();
        assertThat(binary.refCnt()).as("the kept delivery and the write").isEqualTo(2);
        assertThat(text.refCnt()).as("the kept delivery").isEqualTo(1);
        first.releaseFrames();
        assertThat(text.refCnt()).isZero();
        assertThat(binary.refCnt()).as("the write only").isEqualTo(1);
        write.release();
        assertThat(binary.refCnt()).isZero();
        assertThatThrownBy(() -> first.frame(false)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutTextTheDeliveryPrintsItsOwnAndFreesItWithTheSharedOne() {
        SharedFrames frames = SharedFrames.of(MESSAGE, false);
        assertThat(frames.hasText()).isFalse();
        Delivery delivery = frames.delivery();
        assertThat(delivery.hasFrame(true)).isFalse();
        ByteBuf text = delivery.frame(true);
        assertThat(delivery.hasFrame(true)).isTrue();
        assertThat(ByteBufUtil.getBytes(text)).isEqualTo(ownFrame(true));
        ByteBuf binary = delivery.frame(false);
        delivery.releaseFrames();
        assertThat(text.refCnt()).isZero();
        assertThat(binary.refCnt()).isZero();
    }
}
