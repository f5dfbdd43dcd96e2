package roomgate.wire.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.util.List;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;

/**
 * Turns WebSocket data frames into {@link ClientMessage}s and {@link Delivery}s into frames: binary
 * frames carry protobuf, text frames the canonical proto3 JSON. A client is answered in the
 * encoding of the last frame it sent, so a browser speaking JSON gets JSON. Bad frames become a
 * {@link DecodeFailure} for the session to answer. The frame size limit is enforced before this
 * handler, by the WebSocket decoder; here protobuf's own nesting limit guards the parser, and
 * {@link StrictJson} refuses the JSON that protobuf's JSON parser would take too kindly (wrong
 * types, repeated keys).
 */
public final class ClientFrameCodec extends MessageToMessageCodec<WebSocketFrame, Delivery> {
    /** Our messages nest four levels deep; anything deeper is hostile. */
    private static final int RECURSION_LIMIT = 16;

    private static final String BODIES =
            "join, leave, move, chat, claim_draw, arena_input, subscribe, unsubscribe, resume, ping, authenticate";
    private static final JsonFormat.Parser JSON = JsonFormat.parser();
    private static final StrictJson STRICT = new StrictJson(ClientMessage.getDescriptor());

    /** Told of each data frame this codec reads or writes, with its payload bytes: the gateway's traffic metrics. */
    @FunctionalInterface
    public interface FrameCounter {
        FrameCounter NONE = (in, json, payloadBytes) -> {};

        void frame(boolean in, boolean json, int payloadBytes);
    }

    private final FrameCounter frames;
    private boolean json;

    public ClientFrameCodec() {
        this(FrameCounter.NONE);
    }

    /** {@code frames}: shared by every connection, called on their loops. */
    public ClientFrameCodec(FrameCounter frames) {
        this.frames = frames;
    }

    /** Whether this client is answered in text frames: the last data frame it sent was text. */
    public boolean json() {
        return json;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame) {
            json = false;
            frames.frame(true, false, frame.content().readableBytes());
            out.add(parseBinary(frame.content()));
        } else if (frame instanceof TextWebSocketFrame text) {
            json = true;
            frames.frame(true, true, frame.content().readableBytes());
            out.add(parseJson(text.text()));
        } else {
            // Ping, pong and close frames are answered by the WebSocket protocol handler before us.
            out.add(frame.retain());
        }
    }

    private static Object parseBinary(ByteBuf content) {
        try {
            // Straight from the frame's buffer: a stream over it would allocate a 4 KiB copy buffer per frame.
            CodedInputStream in = CodedInputStream.newInstance(content.nioBuffer());
            in.setRecursionLimit(RECURSION_LIMIT);
            ClientMessage message = ClientMessage.parseFrom(in);
            if (message.getBodyCase() == ClientMessage.BodyCase.BODY_NOT_SET) {
                return new DecodeFailure(
                        ErrorCode.MALFORMED_MESSAGE,
                        "binary frame: ClientMessage has no body (expected one of " + BODIES + ")");
            }
            return message;
        } catch (IOException e) {
            return new DecodeFailure(
                    ErrorCode.MALFORMED_MESSAGE,
                    "binary frame: not a roomgate.v1.ClientMessage (" + e.getMessage() + ")");
        }
    }

    private static Object parseJson(String text) {
        String problem = STRICT.problem(text);
        if (problem != null) {
            return new DecodeFailure(
                    ErrorCode.MALFORMED_MESSAGE,
                    "text frame: not a roomgate.v1.ClientMessage in proto3 JSON: " + problem);
        }
        ClientMessage.Builder builder = ClientMessage.newBuilder();
        try {
            JSON.merge(text, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return new DecodeFailure(
                    ErrorCode.MALFORMED_MESSAGE,
                    "text frame: not a roomgate.v1.ClientMessage in proto3 JSON (" + e.getMessage() + ")");
        }
        if (builder.getBodyCase() == ClientMessage.BodyCase.BODY_NOT_SET) {
            return new DecodeFailure(
                    ErrorCode.MALFORMED_MESSAGE,
                    "text frame: ClientMessage has no body (expected one of " + BODIES + ")");
        }
        return builder.build();
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Delivery delivery, List<Object> out) {
        WebSocketFrame frame = json
                ? new TextWebSocketFrame(delivery.json())
                : new BinaryWebSocketFrame(delivery.bytes().retainedDuplicate());
        frames.frame(false, json, frame.content().readableBytes());
        out.add(frame);
    }
}
