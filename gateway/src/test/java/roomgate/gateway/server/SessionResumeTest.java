package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.session.ResumeTokens;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.ClientFrameCodec;

/**
 * Resume tokens are bound to their connection and resume it once: connections of one gateway
 * (EmbeddedChannels sharing its ClientAuth, --auth none, no node behind them).
 */
class SessionResumeTest {
    private static final ResumeTokens TOKENS = TestSession.RESUME_TOKENS;

    private final AtomicLong sessionIds = new AtomicLong();

    private EmbeddedChannel connect(ClientAuth auth) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline()
                .addLast(
                        new ClientFrameCodec(),
                        new TestSession().auth(auth).sessionIds(sessionIds).handler(channel));
        TestSession.upgraded(channel);
        return channel;
    }

    private static List<ServerMessage> send(EmbeddedChannel channel, ClientMessage message) throws Exception {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.toByteArray())));
        return written(channel);
    }

    private static List<ServerMessage> written(EmbeddedChannel channel) throws Exception {
        channel.runPendingTasks();
        List<ServerMessage> out = new ArrayList<>();
        for (Object next = channel.readOutbound(); next != null; next = channel.readOutbound()) {
            BinaryWebSocketFrame frame = (BinaryWebSocketFrame) next;
            try {
                out.add(ServerMessage.parseFrom(ByteBufUtil.getBytes(frame.content())));
            } finally {
                frame.release();
            }
        }
        return out;
    }

    private static ClientMessage ping() {
        return ClientMessage.newBuilder()
                .setRequestId("p")
                .setPing(Ping.getDefaultInstance())
                .build();
    }

    private static ClientMessage resume(String token) {
        return ClientMessage.newBuilder()
                .setRequestId("r")
                .setResume(Resume.newBuilder().setResumeToken(token))
                .build();
    }

    /** The resume token a connection was given last. */
    private static String tokenOf(List<ServerMessage> out) {
        return out.stream()
                .filter(ServerMessage::hasSessionStarted)
                .reduce((first, second) -> second)
                .orElseThrow()
                .getSessionStarted()
                .getResumeToken();
    }

    private static ServerMessage answer(List<ServerMessage> out) {
        return out.stream()
                .filter(m -> m.getRequestId().equals("r"))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no answer in " + out));
    }

    @Test
    void aTokenResumesItsConnectionOnceAndNoTokenOfThatConnectionResumesAgain() throws Exception {
        ClientAuth gateway = ClientAuth.none(TOKENS);
        EmbeddedChannel first = connect(gateway);
        String token = tokenOf(send(first, ping()));
        ResumeTokens.Claims claims = TOKENS.verify(token);
        // As the gateway re-issues a token half way through its life: same participant, same connection.
        String older = TOKENS.issue(claims.participantId(), claims.connectionId());

        EmbeddedChannel second = connect(gateway);
        ServerMessage refused = answer(send(second, resume(token)));
        assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RESUME_REJECTED);
        assertThat(refused.getError().getMessage()).contains("still open");

        first.close();
        List<ServerMessage> out = send(second, resume(token));
        assertThat(answer(out).hasResumed()).as("%s", out).isTrue();
        ResumeTokens.Claims fresh = TOKENS.verify(tokenOf(out));
        assertThat(fresh.participantId())
                .as("the new token names the resumed participant")
                .isEqualTo(claims.participantId());
        assertThat(fresh.connectionId())
                .as("and is bound to the new connection")
                .isNotEqualTo(claims.connectionId());

        EmbeddedChannel third = connect(gateway);
        for (String spent : List.of(token, older)) {
            ServerMessage again = answer(send(third, resume(spent)));
            assertThat(again.getError().getCode()).isEqualTo(ErrorCode.RESUME_REJECTED);
            assertThat(again.getError().getMessage()).contains("already used");
        }

        second.close();
        assertThat(answer(send(third, resume(tokenOf(out)))).hasResumed())
                .as("the resumed connection's own token resumes it in turn")
                .isTrue();
    }

    @Test
    void aConnectionResumingWithItsOwnTokenKeepsItUsable() throws Exception {
        ClientAuth gateway = ClientAuth.none(TOKENS);
        EmbeddedChannel client = connect(gateway);
        String token = tokenOf(send(client, ping()));
        assertThat(answer(send(client, resume(token))).hasResumed()).isTrue();
        client.close();
        assertThat(answer(send(connect(gateway), resume(token))).hasResumed())
                .as("not spent by the resume of its own connection")
                .isTrue();
    }

    @Test
    void aRefusedResumeDoesNotSpendItsToken() throws Exception {
        ClientAuth gateway = ClientAuth.none(TOKENS);
        String token = TOKENS.issue("gone", ResumeTokens.newConnectionId());
        EmbeddedChannel client = connect(gateway);
        ServerMessage invalid = answer(send(
                client,
                ClientMessage.newBuilder()
                        .setRequestId("r")
                        .setResume(Resume.newBuilder().setResumeToken(token).putLastSequences("", 1))
                        .build()));
        assertThat(invalid.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(answer(send(client, resume(token))).hasResumed()).isTrue();
    }

    @Test
    void whatFollowsAResumeWaitsForTheClusterAndIsHandledAfterItInOrder() throws Exception {
        CompletableFuture<Boolean> cluster = new CompletableFuture<>();
        ClientAuth gateway = ClientAuth.none(TOKENS).withSpentConnections(connectionId -> cluster);
        EmbeddedChannel client = connect(gateway);
        List<ServerMessage> out = new ArrayList<>(send(client, resume(TOKENS.issue("gone", "conn-gone"))));
        out.addAll(send(client, ping()));
        assertThat(out).extracting(ServerMessage::getBodyCase).containsExactly(ServerMessage.BodyCase.SESSION_STARTED);

        cluster.complete(true);
        out.addAll(written(client));
        assertThat(out)
                .extracting(ServerMessage::getBodyCase)
                .containsExactly(
                        ServerMessage.BodyCase.SESSION_STARTED,
                        ServerMessage.BodyCase.SESSION_STARTED, // names "gone", the participant it now is
                        ServerMessage.BodyCase.RESUMED,
                        ServerMessage.BodyCase.PONG);
        assertThat(TOKENS.verify(tokenOf(out)).participantId()).isEqualTo("gone");
    }
}
