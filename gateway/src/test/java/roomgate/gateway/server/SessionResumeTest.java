package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.server.TestConnection.ping;
import static roomgate.gateway.server.TestConnection.resume;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.session.ResumeTokens;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.ServerMessage;

/**
 * Resume tokens are bound to their connection and resume it once: connections of one gateway
 * (EmbeddedChannels sharing its ClientAuth, --auth none, no node behind them).
 */
class SessionResumeTest {
    private static final ResumeTokens TOKENS = TestSession.RESUME_TOKENS;

    private final AtomicLong sessionIds = new AtomicLong();

    private TestConnection connect(ClientAuth auth) {
        return new TestSession().auth(auth).sessionIds(sessionIds).connect();
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
        TestConnection first = connect(gateway);
        String token = tokenOf(first.send(ping()));
        ResumeTokens.Claims claims = TOKENS.verify(token);
        // As the gateway re-issues a token half way through its life: same participant, same connection.
        String older = TOKENS.issue(claims.participantId(), claims.connectionId());

        TestConnection second = connect(gateway);
        ServerMessage refused = answer(second.send(resume(token)));
        assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RESUME_REJECTED);
        assertThat(refused.getError().getMessage()).contains("still open");

        first.channel.close();
        List<ServerMessage> out = second.send(resume(token));
        assertThat(answer(out).hasResumed()).as("%s", out).isTrue();
        ResumeTokens.Claims fresh = TOKENS.verify(tokenOf(out));
        assertThat(fresh.participantId())
                .as("the new token names the resumed participant")
                .isEqualTo(claims.participantId());
        assertThat(fresh.connectionId())
                .as("and is bound to the new connection")
                .isNotEqualTo(claims.connectionId());

        TestConnection third = connect(gateway);
        for (String spent : List.of(token, older)) {
            ServerMessage again = answer(third.send(resume(spent)));
            assertThat(again.getError().getCode()).isEqualTo(ErrorCode.RESUME_REJECTED);
            assertThat(again.getError().getMessage()).contains("already used");
        }

        second.channel.close();
        assertThat(answer(third.send(resume(tokenOf(out)))).hasResumed())
                .as("the resumed connection's own token resumes it in turn")
                .isTrue();
    }

    @Test
    void aConnectionResumingWithItsOwnTokenKeepsItUsable() throws Exception {
        ClientAuth gateway = ClientAuth.none(TOKENS);
        TestConnection client = connect(gateway);
        String token = tokenOf(client.send(ping()));
        assertThat(answer(client.send(resume(token))).hasResumed()).isTrue();
        client.channel.close();
        assertThat(answer(connect(gateway).send(resume(token))).hasResumed())
                .as("not spent by the resume of its own connection")
                .isTrue();
    }

    @Test
    void aRefusedResumeDoesNotSpendItsToken() throws Exception {
        ClientAuth gateway = ClientAuth.none(TOKENS);
        String token = TOKENS.issue("gone", ResumeTokens.newConnectionId());
        TestConnection client = connect(gateway);
        ServerMessage invalid = answer(client.send(ClientMessage.newBuilder()
                .setRequestId("r")
                .setResume(Resume.newBuilder().setResumeToken(token).putLastSequences("", 1))
                .build()));
        assertThat(invalid.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(answer(client.send(resume(token))).hasResumed()).isTrue();
    }

    @Test
    void whatFollowsAResumeWaitsForTheClusterAndIsHandledAfterItInOrder() throws Exception {
        CompletableFuture<Boolean> cluster = new CompletableFuture<>();
        ClientAuth gateway = ClientAuth.none(TOKENS).withSpentConnections(connectionId -> cluster);
        TestConnection client = connect(gateway);
        List<ServerMessage> out = new ArrayList<>(client.send(resume(TOKENS.issue("gone", "conn-gone"))));
        out.addAll(client.send(ping()));
        assertThat(out).extracting(ServerMessage::getBodyCase).containsExactly(ServerMessage.BodyCase.SESSION_STARTED);

        cluster.complete(true);
        out.addAll(client.written());
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
