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

    private DecodeFailure failureOf(String json) {
        channel.writeInbound(new TextWebSocketFrame(json));
        Object decoded = channel.readInbound();
        assertThat(decoded).as(json).isInstanceOf(DecodeFailure.class);
        DecodeFailure failure = (DecodeFailure) decoded;
        assertThat(failure.code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        return failure;
    }

    @Test
    void aValueOfTheWrongJsonTypeIsMalformedNotConverted() {
        assertThat(failureOf("{\"move\":{\"roomId\":123,\"uci\":\"e2e4\"}}").message())
                .contains("ClientMessage.move.roomId: expected a JSON string, got a number");
        assertThat(failureOf("{\"move\":{\"roomId\":true,\"uci\":\"e2e4\"}}").message())
                .contains("move.roomId: expected a JSON string, got a boolean");
        assertThat(failureOf("{\"requestId\":[\"a\"],\"ping\":{}}").message())
                .contains("requestId: expected a JSON string, got an array");
        assertThat(failureOf("{\"arenaInput\":{\"roomId\":\"a\",\"dash\":\"true\"}}")
                        .message())
                .contains("arenaInput.dash: expected true or false, got a string");
        assertThat(failureOf("{\"subscribe\":{\"topics\":\"stock.A\"}}").message())
                .contains("subscribe.topics: expected a JSON array, got a string");
        assertThat(failureOf("{\"subscribe\":{\"topics\":[\"stock.A\",7]}}").message())
                .contains("subscribe.topics[1]: expected a JSON string, got a number");
        assertThat(failureOf("{\"move\":\"e2e4\"}").message())
                .contains("move: expected a JSON object (ChessMove), got a string");
        assertThat(failureOf("{\"resume\":{\"lastSequences\":[1]}}").message())
                .contains("resume.lastSequences: expected a JSON object (a map), got an array");
        assertThat(failureOf("{\"resume\":{\"lastSequences\":{\"r1\":{}}}}").message())
                .contains("resume.lastSequences[\"r1\"]: expected a number");
    }

    @Test
    void enumsAreTakenByNameOnly() {
        assertThat(failureOf("{\"join\":{\"roomId\":\"r\",\"gameType\":1}}").message())
                .contains("join.gameType: expected the name of a GameType as a JSON string, got a number");
        channel.writeInbound(new TextWebSocketFrame("{\"join\":{\"roomId\":\"r\",\"gameType\":\"CHESS\"}}"));
        assertThat(channel.<Object>readInbound()).isInstanceOf(ClientMessage.class);
    }

    @Test
    void aKeyGivenTwiceIsMalformedWhateverSpellingItUses() {
        assertThat(failureOf("{\"move\":{\"roomId\":\"a\",\"roomId\":\"b\",\"uci\":\"e2e4\"}}")
                        .message())
                .contains("move: field roomId given twice");
        assertThat(failureOf("{\"move\":{\"roomId\":\"a\",\"room_id\":\"b\",\"uci\":\"e2e4\"}}")
                        .message())
                .contains("move: field roomId given twice");
        assertThat(failureOf("{\"resume\":{\"lastSequences\":{\"r1\":\"1\",\"r1\":\"2\"}}}")
                        .message())
                .contains("resume.lastSequences: key \"r1\" given twice");
    }

    @Test
    void onlyOneStrictJsonObjectIsAMessage() {
        assertThat(failureOf("{\"ping\":{}} {\"ping\":{}}").message()).contains("not valid JSON");
        assertThat(failureOf("{'ping':{}}").message()).contains("not valid JSON");
        assertThat(failureOf("{\"ping\":{}} // hi").message()).contains("not valid JSON");
        assertThat(failureOf("[{\"ping\":{}}]").message()).contains("expected a JSON object, got an array");
        assertThat(failureOf("").message()).contains("not valid JSON");
        assertThat(failureOf("{\"ping\":{}").message()).contains("not valid JSON");
        assertThat(failureOf("{\"ping\":{\"clientTimeMs\":\"x\"}}").message()).contains("Not an int64 value");
    }

    @Test
    void whatTheProto3JsonMappingAllowsStillDecodes() {
        // 64-bit integers as strings or numbers, floats as "NaN", null as the default, proto names.
        channel.writeInbound(new TextWebSocketFrame(
                "{\"request_id\":null,\"arenaInput\":{\"roomId\":\"a\",\"moveX\":\"NaN\",\"moveY\":0.5,"
                        + "\"dash\":true,\"inputSequence\":\"7\"}}"));
        ClientMessage input = channel.readInbound();
        assertThat(input.getArenaInput().getMoveX()).isNaN();
        assertThat(input.getArenaInput().getInputSequence()).isEqualTo(7);
        channel.writeInbound(new TextWebSocketFrame(
                "{\"resume\":{\"resumeToken\":\"t\",\"lastSequences\":{\"r1\":5,\"r2\":\"6\"}}}"));
        ClientMessage resume = channel.readInbound();
        assertThat(resume.getResume().getLastSequencesMap())
                .containsEntry("r1", 5L)
                .containsEntry("r2", 6L);
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
