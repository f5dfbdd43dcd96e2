package roomgate.wire.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Whole WebSocket data frames as a server sends them (RFC 6455 5.2: FIN set, no extension bits, not
 * masked), header and payload in one buffer: what Netty's frame encoder would write for a
 * {@code BinaryWebSocketFrame} or {@code TextWebSocketFrame}, made once and written to many clients
 * below that encoder.
 */
public final class ServerFrames {
    private static final int FIN = 0x80;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;

    private ServerFrames() {}

    /** A new buffer from {@code alloc} holding the frame of {@code payload} (which is only read). */
    public static ByteBuf encode(ByteBufAllocator alloc, boolean text, ByteBuf payload) {
        int length = payload.readableBytes();
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf frame = alloc.directBuffer(header + length);
        frame.writeByte(FIN | (text ? OPCODE_TEXT : OPCODE_BINARY));
        if (length < 126) {
            frame.writeByte(length);
        } else if (length <= 0xFFFF) {
            frame.writeByte(126);
            frame.writeShort(length);
        } else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        frame.writeBytes(payload, payload.readerIndex(), length);
        return frame;
    }

    /** The payload length of a frame made by {@link #encode}. */
    public static int payloadLength(ByteBuf frame) {
        int length = frame.getUnsignedByte(frame.readerIndex() + 1) & 0x7F;
        return length < 126
                ? length
                : length == 126
                        ? frame.getUnsignedShort(frame.readerIndex() + 2)
                        : (int) frame.getLong(frame.readerIndex() + 2);
    }
}
