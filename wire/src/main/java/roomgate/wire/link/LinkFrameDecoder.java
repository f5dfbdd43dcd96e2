package roomgate.wire.link;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.util.List;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.RoomBroadcast;

/**
 * Turns one length-delimited link frame into a message: a {@link RoomEventFrame} for a room
 * broadcast, a parsed {@link LinkFrame} for everything else. Broadcasts are the bulk of a link's
 * traffic and the gateway only needs their room, origin and sequence to fan the event out, so they
 * are read field by field and the event bytes are not copied. Every other frame is parsed straight
 * from the buffer. A frame that does not parse fails the link, as a corrupt stream must.
 */
final class LinkFrameDecoder extends MessageToMessageDecoder<ByteBuf> {

    private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int BROADCAST_TAG = LinkFrame.BROADCAST_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
    // A field with an unexpected wire type is skipped as unknown, as protobuf's own parser does.
    private static final int ROOM_ID_TAG = RoomBroadcast.ROOM_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
    private static final int EVENT_TAG = RoomBroadcast.SERVER_MESSAGE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
    private static final int ORIGIN_SESSION_TAG = RoomBroadcast.ORIGIN_SESSION_ID_FIELD_NUMBER << 3 | VARINT;
    private static final int REQUEST_ID_TAG = RoomBroadcast.ORIGIN_REQUEST_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
    private static final int SEQUENCE_TAG = RoomBroadcast.SEQUENCE_FIELD_NUMBER << 3 | VARINT;

    /** One per channel: MessageToMessageDecoder keeps per-read state. */
    LinkFrameDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(frame.nioBuffer());
        if (in.readTag() == BROADCAST_TAG) {
            out.add(broadcast(frame, in));
        } else {
            out.add(LinkFrame.parseFrom(frame.nioBuffer()));
        }
    }

    /** Reads a RoomBroadcast the node wrote as the frame's only field; offsets are from the frame's start. */
    private static RoomEventFrame broadcast(ByteBuf frame, CodedInputStream in) throws IOException {
        int length = in.readRawVarint32();
        int end = in.getTotalBytesRead() + length;
        if (length < 0 || end != frame.readableBytes()) {
            throw new CorruptedFrameException("link frame: a broadcast of " + length + " bytes in a frame of "
                    + frame.readableBytes() + " (expected: the broadcast as the frame's only field)");
        }
        int roomIdOffset = 0;
        int roomIdLength = 0;
        int eventOffset = 0;
        int eventLength = 0;
        long originSessionId = 0;
        int requestIdOffset = 0;
        int requestIdLength = 0;
        long sequence = 0;
        // The broadcast ends where the frame ends, so a field running past it fails as truncated.
        while (in.getTotalBytesRead() < end) {
            int tag = in.readTag();
            switch (tag) {
                case ROOM_ID_TAG -> {
                    // Not decoded: the gateway looks the room up by these bytes, no String per event.
                    roomIdLength = in.readRawVarint32();
                    roomIdOffset = in.getTotalBytesRead();
                    in.skipRawBytes(roomIdLength);
                }
                case EVENT_TAG -> {
                    eventLength = in.readRawVarint32();
                    eventOffset = in.getTotalBytesRead();
                    in.skipRawBytes(eventLength);
                }
                case ORIGIN_SESSION_TAG -> originSessionId = in.readUInt64();
                case REQUEST_ID_TAG -> {
                    requestIdLength = in.readRawVarint32();
                    requestIdOffset = in.getTotalBytesRead();
                    in.skipRawBytes(requestIdLength);
                }
                case SEQUENCE_TAG -> sequence = in.readUInt64();
                default -> in.skipField(tag);
            }
        }
        return new RoomEventFrame(
                frame.retainedSlice(),
                roomIdOffset,
                roomIdLength,
                eventOffset,
                eventLength,
                originSessionId,
                requestIdOffset,
                requestIdLength,
                sequence);
    }
}
