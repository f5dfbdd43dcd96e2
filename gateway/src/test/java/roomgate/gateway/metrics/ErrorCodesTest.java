package roomgate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.Error;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;

/** The error code is found in serialized messages exactly where parsing would find it. */
class ErrorCodesTest {

    private static ByteString error(ErrorCode code) {
        return ServerMessage.newBuilder()
                .setRequestId("r-1")
                .setError(Error.newBuilder().setCode(code).setMessage("no").setRoomId("room"))
                .build()
                .toByteString();
    }

    private static ErrorCode codeOf(ByteString bytes) {
        return ErrorCodes.of(Unpooled.wrappedBuffer(bytes.toByteArray()));
    }

    @Test
    void theCodeIsFoundInTheReadablePartOfABufferOnly() {
        ByteBuf buffer = Unpooled.buffer();
        buffer.writeBytes(error(ErrorCode.SEAT_TAKEN).toByteArray());
        buffer.writeBytes(error(ErrorCode.ILLEGAL_MOVE).toByteArray());
        buffer.readerIndex(error(ErrorCode.SEAT_TAKEN).size());
        assertThat(ErrorCodes.of(buffer)).isEqualTo(ErrorCode.ILLEGAL_MOVE);
        assertThat(ErrorCodes.of(buffer.slice(0, error(ErrorCode.SEAT_TAKEN).size())))
                .isEqualTo(ErrorCode.SEAT_TAKEN);
    }

    @Test
    void anErrorsCodeIsFound() {
        for (ErrorCode code : ErrorCode.values()) {
            if (code != ErrorCode.UNRECOGNIZED) {
                assertThat(codeOf(error(code))).as("%s", code).isEqualTo(code);
            }
        }
    }

    @Test
    void aRequestIdAppendedAfterTheErrorDoesNotHideIt() {
        ByteString appended = error(ErrorCode.ILLEGAL_MOVE)
                .concat(ServerMessage.newBuilder().setRequestId("later").build().toByteString());
        assertThat(codeOf(appended)).isEqualTo(ErrorCode.ILLEGAL_MOVE);
    }

    @Test
    void anEventIsNoError() {
        ByteString event = ServerMessage.newBuilder()
                .setRequestId("x")
                .setEvent(RoomEvent.newBuilder().setRoomId("r").setSequence(7))
                .build()
                .toByteString();
        assertThat(codeOf(event)).isNull();
        assertThat(codeOf(ByteString.EMPTY)).isNull();
    }

    @Test
    void truncatedBytesAreNoError() {
        ByteString whole = error(ErrorCode.NOT_IN_ROOM);
        for (int cut = 0; cut < whole.size(); cut++) {
            ErrorCode found = codeOf(whole.substring(0, cut));
            // Only a cut after the code itself may still show it; anything else is "not an error".
            assertThat(found).as("cut at %d", cut).isIn(null, ErrorCode.NOT_IN_ROOM);
        }
    }
}
