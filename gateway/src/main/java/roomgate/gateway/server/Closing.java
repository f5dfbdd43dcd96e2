package roomgate.gateway.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.concurrent.TimeUnit;

/** How the gateway ends a WebSocket it will not serve any longer: one close frame with a reason, then the socket. */
final class Closing {
    /** How long a close frame may take to leave before the socket is closed without it. */
    static final long FRAME_GRACE_MILLIS = 1_000;

    private Closing() {}

    /**
     * Writes one close frame with {@code status} and {@code reason} behind what is queued, and closes
     * the connection when it is written, or after {@link #FRAME_GRACE_MILLIS} in any case: a client
     * that does not read would otherwise keep the connection (and its seat) open forever.
     */
    static void close(Channel channel, WebSocketCloseStatus status, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
        if (channel.isOpen()) {
            channel.eventLoop()
                    .schedule(
                            () -> {
                                channel.close();
                            },
                            FRAME_GRACE_MILLIS,
                            TimeUnit.MILLISECONDS);
        }
    }
}
