package roomgate.wire.link;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;
import roomgate.protocol.link.v1.LinkFrame;

/**
 * Writes a {@link LinkFrame} as its 4-byte length and its protobuf bytes into one buffer of exactly
 * that size, serialized straight into it. Netty's ProtobufEncoder + LengthFieldPrepender made a
 * heap copy of every frame and a second buffer for the length, per frame, on both ends of every link.
 */
@ChannelHandler.Sharable
final class LinkFrameEncoder extends MessageToByteEncoder<LinkFrame> {
    static final LinkFrameEncoder INSTANCE = new LinkFrameEncoder();

    private LinkFrameEncoder() {
        super(LinkFrame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, LinkFrame frame, boolean preferDirect) {
        return ctx.alloc().ioBuffer(4 + frame.getSerializedSize());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, LinkFrame frame, ByteBuf out) throws IOException {
        int size = frame.getSerializedSize();
        out.writeInt(size);
        if (out.nioBufferCount() == 1) {
            CodedOutputStream coded = CodedOutputStream.newInstance(out.nioBuffer(out.writerIndex(), size));
            frame.writeTo(coded);
            coded.checkNoSpaceLeft();
            out.writerIndex(out.writerIndex() + size);
        } else {
            frame.writeTo(new ByteBufOutputStream(out));
        }
    }
}
