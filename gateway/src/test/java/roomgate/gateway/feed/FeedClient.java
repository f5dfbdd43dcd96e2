package roomgate.gateway.feed;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.gateway.server.TestSession;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Subscribe;
import roomgate.protocol.v1.Unsubscribe;
import roomgate.wire.client.ClientFrameCodec;

/** One client connection's gateway pipeline (frame codec and session handler) on an EmbeddedChannel. */
final class FeedClient {
    private static final AtomicLong SESSION_IDS = new AtomicLong();

    final EmbeddedChannel channel = new EmbeddedChannel();

    FeedClient(PubSubManager feeds) {
        channel.pipeline()
                .addLast(
                        new ClientFrameCodec(),
                        new TestSession().feeds(feeds).sessionIds(SESSION_IDS).handler(channel));
        TestSession.upgraded(channel);
    }

    void send(ClientMessage message) {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.toByteArray())));
        channel.runPendingTasks();
    }

    void subscribe(String requestId, String... topics) {
        send(ClientMessage.newBuilder()
                .setRequestId(requestId)
                .setSubscribe(Subscribe.newBuilder().addAllTopics(List.of(topics)))
                .build());
    }

    void unsubscribe(String requestId, String... topics) {
        send(ClientMessage.newBuilder()
                .setRequestId(requestId)
                .setUnsubscribe(Unsubscribe.newBuilder().addAllTopics(List.of(topics)))
                .build());
    }

    /**
     * Runs the tasks queued on this connection's loop (fan-out, replies) and returns what was written,
     * less the session's one-time resume token, which is not what these tests are about.
     */
    List<ServerMessage> received() throws Exception {
        channel.runPendingTasks();
        List<ServerMessage> out = new ArrayList<>();
        for (BinaryWebSocketFrame frame; (frame = channel.readOutbound()) != null; ) {
            try {
                ServerMessage message = ServerMessage.parseFrom(ByteBufUtil.getBytes(frame.content()));
                if (!message.hasSessionStarted()) {
                    out.add(message);
                }
            } finally {
                frame.release();
            }
        }
        return out;
    }

    /** Pretends the client stopped reading (true) or caught up (false), firing channelWritabilityChanged. */
    void stall(boolean stalled) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, !stalled);
        channel.runPendingTasks();
    }
}
