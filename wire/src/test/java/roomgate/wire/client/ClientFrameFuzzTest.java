package roomgate.wire.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.testsupport.fuzz.Allocations;

/**
 * Coverage-guided fuzzing (Jazzer) of the client frame decoder as the gateway runs it, after the
 * WebSocket decoder has bounded a frame at 16 KiB: one target for binary frames (protobuf), one for
 * text frames (strict proto3 JSON). Whatever a frame holds, no exception leaves the decoder, the
 * frame becomes a ClientMessage with a body or a MALFORMED_MESSAGE failure, and decoding allocates a
 * bounded multiple of its size. {@code mvn verify} runs each target once per input in
 * {@code ClientFrameFuzzTestInputs/<target>/} (real frames of every kind, some malformed, and any
 * crasher found since: {@link roomgate.wire.fuzz.FuzzSeeds}); {@code bench/fuzz/run.sh} fuzzes them.
 */
class ClientFrameFuzzTest {
    /** The codec's nesting limit, so that protobuf's own verdict is asked under the same one. */
    private static final int RECURSION_LIMIT = 16;

    /** Parsing builds objects and strings from a frame: some multiple of its size, plus a fixed cost. */
    private static final long ALLOCATION_PER_BYTE = 64;

    private static final long ALLOCATION_FIXED = 1024 * 1024;

    /** Any bytes as a binary frame: a message exactly when protobuf takes them and they have a body. */
    @FuzzTest(maxDuration = "60s")
    void binaryFrame(byte[] payload) {
        Object decoded = decode(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)), payload.length);
        assertMessageOrMalformed(decoded);
        ClientMessage parsed;
        try {
            CodedInputStream in = CodedInputStream.newInstance(payload);
            in.setRecursionLimit(RECURSION_LIMIT);
            parsed = ClientMessage.parseFrom(in);
        } catch (IOException e) {
            parsed = null;
        }
        boolean valid = parsed != null && parsed.getBodyCase() != ClientMessage.BodyCase.BODY_NOT_SET;
        assertThat(decoded instanceof ClientMessage).isEqualTo(valid);
        if (valid) {
            assertThat(decoded).isEqualTo(parsed);
        }
    }

    /**
     * Any UTF-8 as a text frame (the WebSocket decoder refuses any other): a message or malformed,
     * and what is taken is what the text says, so printed back to JSON it decodes to itself.
     */
    @FuzzTest(maxDuration = "60s")
    void textFrame(byte[] utf8) {
        Object decoded = decode(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)), utf8.length);
        assertMessageOrMalformed(decoded);
        if (decoded instanceof ClientMessage taken) {
            String again = print(taken);
            assertThat(decode(new TextWebSocketFrame(again), again.length())).isEqualTo(taken);
        }
    }

    /** Decodes one frame on a fresh codec, checking that it allocates no more than its size allows. */
    private static Object decode(WebSocketFrame frame, int size) {
        Allocations.Measured<Object> decoded = Allocations.measure(
                () -> {
                    EmbeddedChannel channel = new EmbeddedChannel(new ClientFrameCodec());
                    channel.writeInbound(frame.retainedDuplicate()); // rethrows whatever the decoder let escape
                    Object result = channel.readInbound();
                    assertThat(channel.<Object>readInbound())
                            .as("one frame, one result")
                            .isNull();
                    assertThat(channel.finishAndReleaseAll()).isFalse();
                    return result;
                },
                result -> {});
        frame.release();
        assertThat(decoded.bytes())
                .as("bytes allocated decoding a %d-byte frame", size)
                .isLessThan(ALLOCATION_FIXED + ALLOCATION_PER_BYTE * size);
        return decoded.result();
    }

    private static void assertMessageOrMalformed(Object decoded) {
        if (decoded instanceof ClientMessage message) {
            assertThat(message.getBodyCase()).isNotEqualTo(ClientMessage.BodyCase.BODY_NOT_SET);
        } else {
            assertThat(decoded).isInstanceOf(DecodeFailure.class);
            assertThat(((DecodeFailure) decoded).code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
            assertThat(((DecodeFailure) decoded).message()).isNotBlank();
        }
    }

    private static String print(ClientMessage message) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
