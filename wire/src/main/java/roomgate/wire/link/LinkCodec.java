package roomgate.wire.link;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import roomgate.protocol.link.v1.LinkFrame;

/**
 * The framing of the gateway-node link, installed on both ends: a 4-byte big-endian length, then
 * one {@link LinkFrame}. Both sides add the same handlers under the same names, so the link speaks
 * one format whichever side opened it. Inbound, room broadcasts arrive as {@link RoomEventFrame}s
 * (their event bytes not copied) and every other frame as a {@link LinkFrame}.
 */
public final class LinkCodec {
    /** A frame carries one client request or one room event; this bounds a corrupt length prefix. */
    public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

    public static final String FRAME_DECODER = "link-frame-decoder";
    public static final String PROTO_DECODER = "link-proto-decoder";
    public static final String ENCODER = "link-encoder";

    private LinkCodec() {}

    public static void install(ChannelPipeline pipeline) {
        pipeline.addLast(FRAME_DECODER, new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4));
        pipeline.addLast(PROTO_DECODER, new LinkFrameDecoder());
        pipeline.addLast(ENCODER, LinkFrameEncoder.INSTANCE);
    }
}
