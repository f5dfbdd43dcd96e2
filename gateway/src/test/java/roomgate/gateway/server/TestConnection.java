package roomgate.gateway.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import roomgate.protocol.v1.Authenticate;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.ServerMessage;

/**
 * A binary client's connection to a session on an EmbeddedChannel ({@link TestSession#connect}): what
 * it sends goes in as WebSocket frames, what the session writes comes out parsed, and the close
 * frame, if one was written, is kept.
 */
public final class TestConnection {
    public final EmbeddedChannel channel;
    private String closeFrame;

    TestConnection(EmbeddedChannel channel) {
        this.channel = channel;
    }

    /** Sends {@code message} and returns what the session wrote, as {@link #written}. */
    public List<ServerMessage> send(ClientMessage message) throws Exception {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.toByteArray())));
        return written();
    }

    /**
     * Runs the tasks queued on the connection's loop, then returns what the session wrote since the
     * last call; a close frame is kept for {@link #closeFrame}.
     */
    public List<ServerMessage> written() throws Exception {
        channel.runPendingTasks();
        List<ServerMessage> out = new ArrayList<>();
        for (Object next = channel.readOutbound(); next != null; next = channel.readOutbound()) {
            if (next instanceof CloseWebSocketFrame close) {
                closeFrame = close.statusCode() + " " + close.reasonText();
                close.release();
                continue;
            }
            BinaryWebSocketFrame frame = (BinaryWebSocketFrame) next;
            try {
                out.add(ServerMessage.parseFrom(ByteBufUtil.getBytes(frame.content())));
            } finally {
                frame.release();
            }
        }
        return out;
    }

    /** The close frame the session wrote, as "STATUS REASON", or null if none. */
    public String closeFrame() {
        return closeFrame;
    }

    public static ClientMessage ping() {
        return ClientMessage.newBuilder()
                .setRequestId("p")
                .setPing(Ping.getDefaultInstance())
                .build();
    }

    /** A Resume with {@code token}, request id "r". */
    public static ClientMessage resume(String token) {
        return ClientMessage.newBuilder()
                .setRequestId("r")
                .setResume(Resume.newBuilder().setResumeToken(token))
                .build();
    }

    /** An Authenticate with {@code token}, request id "auth". */
    public static ClientMessage authenticate(String token) {
        return ClientMessage.newBuilder()
                .setRequestId("auth")
                .setAuthenticate(Authenticate.newBuilder().setToken(token))
                .build();
    }
}
