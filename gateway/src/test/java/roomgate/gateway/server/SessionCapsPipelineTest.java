package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.config.GatewayConfig;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;
import roomgate.gateway.session.ResumeTokens;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Subscribe;
import roomgate.wire.client.ClientFrameCodec;

/**
 * The per-connection caps through the session's pipeline (frame codec and session handler), with
 * no node behind it: a join the cap allows goes on to routing (and is answered ROOM_UNAVAILABLE
 * here), one past it is refused at the gateway with TOO_MANY_ROOMS.
 */
class SessionCapsPipelineTest {
    private final GatewayMetrics metrics = GatewayMetrics.disabled();
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        GatewayConfig config = GatewayConfig.fromArgs(
                new String[] {
                    "--max-rooms-per-connection", "4",
                    "--max-topics-per-connection", "3",
                    // The slowest refill allowed: the bucket refills by the real clock, and at 10 a
                    // second the 0.2 s a loaded machine took between two sends gave back the two
                    // tokens aResumeCountsAgainstTheRateLimitPerRoomItNames counts on being gone.
                    "--rate-per-second", "1",
                    "--rate-burst", "10",
                    "--link-auth", "none"
                },
                Map.of());
        channel.pipeline()
                .addLast(
                        new ClientFrameCodec(),
                        new TestSession().limits(config).metrics(metrics).handler(channel));
        TestSession.upgraded(channel);
    }

    private List<ServerMessage> send(ClientMessage message) throws Exception {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.toByteArray())));
        channel.runPendingTasks();
        List<ServerMessage> replies = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            BinaryWebSocketFrame frame = (BinaryWebSocketFrame) out;
            ServerMessage reply = ServerMessage.parseFrom(ByteBufUtil.getBytes(frame.content()));
            frame.release();
            if (!reply.hasSessionStarted()) {
                replies.add(reply);
            }
        }
        return replies;
    }

    private static ClientMessage join(String roomId) {
        return ClientMessage.newBuilder()
                .setRequestId(roomId)
                .setJoin(JoinRoom.newBuilder().setRoomId(roomId).setGameType(GameType.CHESS))
                .build();
    }

    @Test
    void joinsPastTheRoomCapAreRefusedAtTheGateway() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(send(join("r" + i)))
                    .as("join %d goes on to routing (no node here)", i)
                    .extracting(m -> m.getError().getCode())
                    .containsExactly(ErrorCode.ROOM_UNAVAILABLE);
        }
        List<ServerMessage> refused = send(join("r4"));
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).getError().getCode()).isEqualTo(ErrorCode.TOO_MANY_ROOMS);
        assertThat(refused.get(0).getError().getRoomId()).isEqualTo("r4");
        assertThat(refused.get(0).getError().getMessage()).contains("at most 4 per connection");
        assertThat(metrics.refusals(Refusal.ROOMS)).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aResumeNamingMoreRoomsThanTheCapIsInvalid() throws Exception {
        String token = TestSession.RESUME_TOKENS.issue("gw-test-1", ResumeTokens.newConnectionId());
        Resume.Builder resume = Resume.newBuilder().setResumeToken(token);
        for (int i = 0; i < 5; i++) {
            resume.putLastSequences("r" + i, 1);
        }
        List<ServerMessage> replies = send(
                ClientMessage.newBuilder().setRequestId("res").setResume(resume).build());
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(replies.get(0).getError().getMessage()).contains("5 rooms").contains("at most 4");
        assertThat(metrics.refusals(Refusal.RESUME_ROOMS)).isEqualTo(1);
    }

    @Test
    void aResumeCountsAgainstTheRateLimitPerRoomItNames() throws Exception {
        String token = TestSession.RESUME_TOKENS.issue("gw-test-1", ResumeTokens.newConnectionId());
        Resume.Builder resume = Resume.newBuilder().setResumeToken(token);
        for (int i = 0; i < 4; i++) {
            resume.putLastSequences("r" + i, 1);
        }
        ClientMessage message =
                ClientMessage.newBuilder().setRequestId("res").setResume(resume).build();
        // Burst 10: the first resume takes 4 tokens, the second 4 more; the third finds 2.
        for (int i = 0; i < 2; i++) {
            assertThat(send(message)).extracting(m -> m.getError().getCode()).doesNotContain(ErrorCode.RATE_LIMITED);
        }
        List<ServerMessage> third = send(message);
        assertThat(third).extracting(m -> m.getError().getCode()).containsExactly(ErrorCode.RATE_LIMITED);
        assertThat(third.get(0).getError().getMessage()).contains("resume of 4 rooms");
    }

    @Test
    void subscribesPastTheTopicCapAreTooManyTopics() throws Exception {
        List<ServerMessage> replies = send(ClientMessage.newBuilder()
                .setRequestId("s")
                .setSubscribe(Subscribe.newBuilder()
                        .addTopics("a")
                        .addTopics("b")
                        .addTopics("c")
                        .addTopics("d"))
                .build());
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).getError().getCode()).isEqualTo(ErrorCode.TOO_MANY_TOPICS);
        assertThat(replies.get(0).getError().getMessage())
                .contains("4 subscriptions")
                .contains("at most 3");
        assertThat(metrics.refusals(Refusal.TOPICS)).isEqualTo(1);
    }

    @Test
    void aWronglyTypedJsonJoinIsMalformedAndNeverCounted() throws Exception {
        channel.writeInbound(new TextWebSocketFrame("{\"join\":{\"roomId\":123,\"gameType\":\"CHESS\"}}"));
        TextWebSocketFrame reply = channel.readOutbound();
        while (reply != null && reply.text().contains("sessionStarted")) {
            reply.release();
            reply = channel.readOutbound();
        }
        assertThat(reply).isNotNull();
        assertThat(reply.text()).contains("MALFORMED_MESSAGE").contains("join.roomId: expected a JSON string");
        reply.release();
    }
}
