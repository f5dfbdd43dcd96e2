package roomgate.gateway.metrics;

import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import roomgate.protocol.v1.Error;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/**
 * Finds the error code in a serialized {@link ServerMessage} without parsing it: messages reach
 * clients as bytes (room events untouched from the node), and parsing each one to count errors
 * would cost more than the rest of the delivery. This walks the top-level fields, skipping each,
 * and reads only {@code error.code} when there is an error. No allocation but the cursor.
 */
final class ErrorCodes {
    private static final int ERROR_TAG = tag(ServerMessage.ERROR_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int CODE_TAG = tag(Error.CODE_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);

    private ErrorCodes() {}

    private static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }

    /**
     * The message's error code ({@code ERROR_CODE_UNSPECIFIED} for an error without one), or null if
     * it is not an error or does not parse.
     */
    static ErrorCode of(ByteBuf serverMessage) {
        Cursor in = new Cursor(serverMessage, serverMessage.readerIndex(), serverMessage.writerIndex());
        while (in.more()) {
            int tag = (int) in.varint();
            if (in.broken) {
                return null;
            }
            if (tag == ERROR_TAG) {
                long length = in.varint();
                if (in.broken || length > in.remaining()) {
                    return null;
                }
                return codeIn(new Cursor(serverMessage, in.pos, in.pos + (int) length));
            }
            in.skip(WireFormat.getTagWireType(tag));
            if (in.broken) {
                return null;
            }
        }
        return null;
    }

    private static ErrorCode codeIn(Cursor error) {
        int code = 0;
        while (error.more()) {
            int tag = (int) error.varint();
            if (error.broken) {
                return null;
            }
            if (tag == CODE_TAG) {
                code = (int) error.varint(); // the last one wins, as when parsing
            } else {
                error.skip(WireFormat.getTagWireType(tag));
            }
            if (error.broken) {
                return null;
            }
        }
        ErrorCode known = ErrorCode.forNumber(code);
        return known != null ? known : ErrorCode.UNRECOGNIZED;
    }

    /** Reads protobuf wire format from part of a buffer; {@code broken} once it runs past the end. */
    private static final class Cursor {
        private final ByteBuf bytes;
        private final int end;
        private int pos;
        boolean broken;

        Cursor(ByteBuf bytes, int from, int end) {
            this.bytes = bytes;
            this.pos = from;
            this.end = end;
        }

        boolean more() {
            return !broken && pos < end;
        }

        int remaining() {
            return end - pos;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    broken = true;
                    return 0;
                }
                byte b = bytes.getByte(pos++);
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            broken = true;
            return 0;
        }

        void skip(int wireType) {
            switch (wireType) {
                case WireFormat.WIRETYPE_VARINT -> varint();
                case WireFormat.WIRETYPE_FIXED64 -> pos += 8;
                case WireFormat.WIRETYPE_FIXED32 -> pos += 4;
                case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                    long length = varint();
                    if (!broken && length > remaining()) {
                        broken = true;
                    }
                    pos += (int) length;
                }
                default -> broken = true; // groups: not in our protocol
            }
            if (pos > end) {
                broken = true;
            }
        }
    }
}
