package roomgate.wire.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.RoomBroadcast;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;
import roomgate.testsupport.fuzz.LinkFuzz;

class LinkCodecTest {
    private static final ServerMessage EVENT = ServerMessage.newBuilder()
            .setEvent(RoomEvent.newBuilder().setRoomId("chess-1").setSequence(42))
            .build();
    private static final LinkFrame BROADCAST = LinkFrame.newBuilder()
            .setBroadcast(RoomBroadcast.newBuilder()
                    .setRoomId("chess-1")
                    .setServerMessage(EVENT.toByteString())
                    .setOriginSessionId(7)
                    .setOriginRequestId("req-ü")
                    .setSequence(42))
            .build();

    @Test
    void framesSurviveBeingSplitAndCoalescedOnTheWire() {
        LinkFrame a = LinkFrame.newBuilder()
                .setHello(Hello.newBuilder().setGatewayId("gw-a"))
                .build();
        LinkFrame b = LinkFrame.newBuilder()
                .setHello(Hello.newBuilder().setGatewayId("gw-b"))
                .build();
        ByteBuf wire = encode(a, BROADCAST, b);

        EmbeddedChannel reader = new EmbeddedChannel();
        LinkCodec.install(reader.pipeline());
        // Deliver the three frames in three arbitrary chunks.
        reader.writeInbound(wire.readRetainedSlice(3));
        reader.writeInbound(wire.readRetainedSlice(wire.readableBytes() - 2));
        reader.writeInbound(wire.readRetainedSlice(2));
        wire.release();

        assertThat(reader.<Object>readInbound()).isEqualTo(a);
        RoomEventFrame event = reader.readInbound();
        assertBroadcast(event);
        event.release();
        assertThat(reader.<Object>readInbound()).isEqualTo(b);
        assertThat(reader.<Object>readInbound()).isNull();
    }

    @Test
    void theEncoderWritesTheLengthAndTheProtobufBytesInOneBuffer() {
        EmbeddedChannel writer = new EmbeddedChannel();
        LinkCodec.install(writer.pipeline());
        writer.writeOutbound(BROADCAST);
        ByteBuf out = writer.readOutbound();
        assertThat(out.readInt()).isEqualTo(BROADCAST.getSerializedSize());
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(BROADCAST.toByteArray());
        assertThat(writer.<Object>readOutbound()).isNull();
        out.release();
    }

    @Test
    void aBroadcastsEventIsAViewOfTheReceivedBytesAndHoldsThemUntilReleased() {
        ByteBuf wire = encode(BROADCAST);
        EmbeddedChannel reader = new EmbeddedChannel();
        LinkCodec.install(reader.pipeline());
        reader.writeInbound(wire);
        RoomEventFrame event = reader.readInbound();
        assertThat(wire.refCnt()).isEqualTo(1); // the frame's reference, not a copy
        assertBroadcast(event);
        event.release();
        assertThat(wire.refCnt()).isZero();
    }

    @Test
    void aBroadcastWithFieldsInAnotherOrderOrUnknownFieldsReadsTheSame() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(body);
        out.writeUInt64(5, 42);
        out.writeString(99, "from a newer node");
        out.writeString(4, "req-ü");
        out.writeBytes(2, EVENT.toByteString());
        out.writeUInt64(3, 7);
        out.writeString(1, "chess-1");
        out.flush();
        RoomEventFrame event = decodeOne(frameWithBroadcast(body.toByteArray()));
        assertBroadcast(event);
        event.release();
    }

    @Test
    void aBroadcastWithoutOriginHasAnEmptyRequestIdAndSessionZero() {
        LinkFrame plain = LinkFrame.newBuilder()
                .setBroadcast(RoomBroadcast.newBuilder()
                        .setRoomId("r")
                        .setServerMessage(EVENT.toByteString())
                        .setSequence(1))
                .build();
        RoomEventFrame event = decodeOne(encode(plain).skipBytes(4));
        assertThat(event.originSessionId()).isZero();
        assertThat(event.originRequestId().readableBytes()).isZero();
        event.release();
    }

    @Test
    void aBroadcastWhoseFieldRunsPastTheFrameFailsTheLink() throws Exception {
        byte[] event = EVENT.toByteArray();
        ByteArrayOutputStream cutEvent = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(cutEvent);
        out.writeString(1, "chess-1");
        out.writeTag(2, 2);
        out.writeUInt32NoTag(event.length); // declares the whole event, carries half of it
        out.writeRawBytes(event, 0, event.length / 2);
        out.flush();
        assertThatThrownBy(() -> decodeOne(frameWithBroadcast(cutEvent.toByteArray())))
                .isInstanceOf(DecoderException.class);

        ByteArrayOutputStream cutVarint = new ByteArrayOutputStream();
        out = CodedOutputStream.newInstance(cutVarint);
        out.writeString(1, "chess-1");
        out.writeTag(3, 0);
        out.writeRawByte((byte) 0x81); // a varint whose continuation bit promises more bytes
        out.flush();
        assertThatThrownBy(() -> decodeOne(frameWithBroadcast(cutVarint.toByteArray())))
                .isInstanceOf(DecoderException.class);
    }

    @Test
    void aBroadcastLongerThanItsFrameFailsTheLink() {
        byte[] whole = BROADCAST.toByteArray();
        ByteBuf cut = Unpooled.wrappedBuffer(whole, 0, whole.length - 3);
        assertThatThrownBy(() -> decodeOne(cut))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("only field");
    }

    @Test
    void aBroadcastThatIsNotTheFramesOnlyFieldFailsTheLink() {
        byte[] broadcast = BROADCAST.toByteArray();
        ByteBuf frame = Unpooled.buffer()
                .writeBytes(broadcast)
                .writeBytes(LinkFrame.newBuilder()
                        .setHello(Hello.newBuilder().setGatewayId("x"))
                        .build()
                        .toByteArray());
        assertThatThrownBy(() -> decodeOne(frame))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("only field");
    }

    @Test
    void garbageFailsTheLink() {
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0x01});
        assertThatThrownBy(() -> decodeOne(garbage)).isInstanceOf(DecoderException.class);
    }

    private static void assertBroadcast(RoomEventFrame event) {
        assertThat(event.roomId()).isEqualTo("chess-1");
        assertThat(event.sequence()).isEqualTo(42);
        assertThat(event.originSessionId()).isEqualTo(7);
        assertThat(event.originRequestId().toString(java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("req-ü");
        assertThat(ByteString.copyFrom(event.event().nioBuffer())).isEqualTo(EVENT.toByteString());
    }

    /** A LinkFrame whose broadcast field carries {@code body} as it is. */
    private static ByteBuf frameWithBroadcast(byte[] body) throws java.io.IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(frame);
        out.writeByteArray(LinkFrame.BROADCAST_FIELD_NUMBER, body);
        out.flush();
        return Unpooled.wrappedBuffer(frame.toByteArray());
    }

    /** Runs one frame's bytes (without the length prefix) through the decoder alone. */
    private static RoomEventFrame decodeOne(ByteBuf frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new LinkFrameDecoder());
        channel.writeInbound(frame);
        Object decoded = channel.readInbound();
        assertThat(decoded).isInstanceOf(RoomEventFrame.class);
        return (RoomEventFrame) decoded;
    }

    /** The link fuzz tests (node and gateway) build their streams with LinkFuzz: they must be the codec's bytes. */
    @Test
    void theFuzzTestsFramingIsTheCodecs() {
        LinkFrame hello = LinkFrame.newBuilder()
                .setHello(Hello.newBuilder().setGatewayId("gw-a"))
                .build();
        ByteBuf wire = encode(hello, BROADCAST);
        try {
            assertThat(LinkFuzz.framed(hello, BROADCAST)).isEqualTo(ByteBufUtil.getBytes(wire));
        } finally {
            wire.release();
        }
    }

    private static ByteBuf encode(LinkFrame... frames) {
        EmbeddedChannel writer = new EmbeddedChannel();
        LinkCodec.install(writer.pipeline());
        writer.writeOutbound((Object[]) frames);
        ByteBuf wire = writer.alloc().buffer();
        for (Object o; (o = writer.readOutbound()) != null; ) {
            ByteBuf part = (ByteBuf) o;
            wire.writeBytes(part);
            part.release();
        }
        return wire;
    }
}
