package roomgate.wire.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Pong;
import roomgate.protocol.v1.ServerMessage;

class ClientFrameCodecTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new ClientFrameCodec());
    private final ClientMessage move = ClientMessage.newBuilder()
            .setRequestId("r1")
            .setMove(ChessMove.newBuilder().setRoomId("room-1").setUci("e2e4"))
            .build();

    @Test
    void binaryFrameBecomesClientMessage() {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(move.toByteArray())));
        assertThat(channel.<Object>readInbound()).isEqualTo(move);
    }

    @Test
    void textFrameInProto3JsonBecomesTheSameMessage() {
        channel.writeInbound(
                new TextWebSocketFrame("{\"requestId\":\"r1\",\"move\":{\"roomId\":\"room-1\",\"uci\":\"e2e4\"}}"));
        assertThat(channel.<Object>readInbound()).isEqualTo(move);
    }

    @Test
    void garbageBinaryFrameIsAMalformedMessageFailure() {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0x01, 0x02})));
        Object decoded = channel.readInbound();
        assertThat(decoded).isInstanceOf(DecodeFailure.class);
        assertThat(((DecodeFailure) decoded).code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(((DecodeFailure) decoded).message()).startsWith("binary frame: not a roomgate.v1.ClientMessage");
    }

    @Test
    void jsonWithUnknownFieldOrNoBodyIsAMalformedMessageFailure() {
        channel.writeInbound(new TextWebSocketFrame("{\"mvoe\":{}}"));
        DecodeFailure unknown = channel.readInbound();
        assertThat(unknown.code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(unknown.message()).contains("mvoe");

        channel.writeInbound(new TextWebSocketFrame("{\"requestId\":\"x\"}"));
        DecodeFailure empty = channel.readInbound();
        assertThat(empty.message()).contains("has no body");
    }

    @Test
    void repliesUseTheEncodingOfTheLastFrameTheClientSent() throws Exception {
        ServerMessage pong = ServerMessage.newBuilder()
                .setRequestId("p")
                .setPong(Pong.newBuilder().setClientTimeMs(5))
                .build();

        channel.writeInbound(new TextWebSocketFrame("{\"ping\":{}}"));
        channel.readInbound();
        channel.writeOutbound(Delivery.of(pong));
        TextWebSocketFrame text = channel.readOutbound();
        ServerMessage.Builder parsed = ServerMessage.newBuilder();
        JsonFormat.parser().merge(text.text(), parsed);
        assertThat(parsed.build()).isEqualTo(pong);
        text.release();

        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(move.toByteArray())));
        channel.readInbound();
        channel.writeOutbound(Delivery.of(pong));
        BinaryWebSocketFrame binary = channel.readOutbound();
        assertThat(ServerMessage.parseFrom(ByteBufUtil.getBytes(binary.content())))
                .isEqualTo(pong);
        binary.release();
    }

    @Test
    void requestIdIsAddedToAnEventWithoutReparsingIt() throws Exception {
        ServerMessage event = ServerMessage.newBuilder()
                .setEvent(roomgate.protocol.v1.RoomEvent.newBuilder()
                        .setRoomId("r")
                        .setSequence(7))
                .build();
        Delivery forOrigin = Delivery.of(event).withRequestId("req-9");
        assertThat(ServerMessage.parseFrom(ByteBufUtil.getBytes(forOrigin.bytes())))
                .isEqualTo(event.toBuilder().setRequestId("req-9").build());
    }

    @Test
    void aLongOrNonAsciiRequestIdIsSplicedWithItsFullLength() throws Exception {
        ServerMessage event = ServerMessage.newBuilder()
                .setEvent(roomgate.protocol.v1.RoomEvent.newBuilder()
                        .setRoomId("r")
                        .setSequence(8))
                .build();
        // 300 bytes of UTF-8 need a two-byte length; 'ü' is two bytes for one char.
        String requestId = "ü".repeat(100) + "x".repeat(100);
        Delivery forOrigin = Delivery.of(event)
                .withRequestId(Unpooled.wrappedBuffer(requestId.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(ServerMessage.parseFrom(ByteBufUtil.getBytes(forOrigin.bytes())))
                .isEqualTo(event.toBuilder().setRequestId(requestId).build());
        assertThat(Delivery.of(event).withRequestId(""))
                .extracting(d -> ByteBufUtil.getBytes(d.bytes()))
                .isEqualTo(event.toByteArray());
    }

    @Test
    void aBorrowedEventIsWrittenToEachClientWithAReferenceOfItsOwn() throws Exception {
        ServerMessage event = ServerMessage.newBuilder()
                .setEvent(roomgate.protocol.v1.RoomEvent.newBuilder()
                        .setRoomId("r")
                        .setSequence(9))
                .build();
        io.netty.buffer.ByteBuf linkBuffer = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer();
        linkBuffer.writeBytes(event.toByteArray());
        Delivery delivery = Delivery.borrowing(linkBuffer);
        EmbeddedChannel other = new EmbeddedChannel(new ClientFrameCodec());
        channel.writeOutbound(delivery);
        other.writeOutbound(delivery);
        assertThat(linkBuffer.refCnt()).isEqualTo(3);

        linkBuffer.release(); // the link is done with it; the frames still hold the bytes
        BinaryWebSocketFrame first = channel.readOutbound();
        BinaryWebSocketFrame second = other.readOutbound();
        assertThat(ServerMessage.parseFrom(ByteBufUtil.getBytes(first.content())))
                .isEqualTo(event);
        assertThat(ServerMessage.parseFrom(ByteBufUtil.getBytes(second.content())))
                .isEqualTo(event);
        first.release();
        second.release();
        assertThat(linkBuffer.refCnt()).isZero();
    }
}
