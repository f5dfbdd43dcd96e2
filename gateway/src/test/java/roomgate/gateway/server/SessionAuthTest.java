package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.server.TestConnection.authenticate;
import static roomgate.gateway.server.TestConnection.ping;
import static roomgate.gateway.server.TestConnection.resume;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.auth.DevTokens;
import roomgate.gateway.auth.TokenVerifier;
import roomgate.gateway.session.ResumeTokens;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Subscribe;

/** A session under --auth jwt, with no node behind it: how a client proves who it is, and what its token allows. */
class SessionAuthTest {
    private static final byte[] SECRET = "the gateway's development secret, 32+ bytes".getBytes(StandardCharsets.UTF_8);
    private static final DevTokens TOKENS = new DevTokens(SECRET, "roomgate");
    private static final ResumeTokens RESUME = TestSession.RESUME_TOKENS;

    private TestConnection connection;

    /** Opens the session as if the upgrade request had these headers and URI. */
    private void open(HttpHeaders headers, String uri) {
        ClientAuth auth = ClientAuth.jwt(new TokenVerifier(SECRET, null, "roomgate", Duration.ofSeconds(30)), RESUME);
        connection = new TestSession().auth(auth).rate(100, 100).connect(uri, headers);
    }

    private void openWithToken(String token) {
        open(new DefaultHttpHeaders().set("Authorization", "Bearer " + token), "/ws");
    }

    private List<ServerMessage> send(ClientMessage message) throws Exception {
        return connection.send(message);
    }

    @Test
    void withoutATokenTheFirstMessageIsRefusedAndTheConnectionClosed() throws Exception {
        open(new DefaultHttpHeaders(), "/ws");
        List<ServerMessage> out = send(ping());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getError().getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(connection.closeFrame()).isEqualTo("1008 UNAUTHENTICATED");
        assertThat(connection.channel.isOpen())
                .as("closed once the close frame is written")
                .isFalse();
    }

    @Test
    void authenticateAsFirstMessageIsAnsweredBySessionStartedForThePlayer() throws Exception {
        open(new DefaultHttpHeaders(), "/ws");
        List<ServerMessage> out = send(authenticate(TOKENS.mint("alice", Duration.ofMinutes(5))));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getRequestId()).isEqualTo("auth");
        assertThat(RESUME.verify(out.get(0).getSessionStarted().getResumeToken())
                        .participantId())
                .isEqualTo("alice");
        assertThat(send(ping()).get(0).hasPong()).isTrue();
        assertThat(send(authenticate(TOKENS.mint("bob", Duration.ofMinutes(5))))
                        .get(0)
                        .getError()
                        .getCode())
                .as("one identity per connection")
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void aTokenInTheQueryOrTheHeaderIdentifiesTheClientAtTheUpgrade() throws Exception {
        open(new DefaultHttpHeaders(), "/ws?room=r1&access_token=" + TOKENS.mint("carol", Duration.ofMinutes(5)));
        List<ServerMessage> out = send(ping());
        assertThat(RESUME.verify(out.get(0).getSessionStarted().getResumeToken())
                        .participantId())
                .isEqualTo("carol");
        assertThat(out.get(1).hasPong()).isTrue();
    }

    @Test
    void anExpiredTokenIsTokenExpiredAndClosed() throws Exception {
        openWithToken(TOKENS.mint("alice", Duration.ofMinutes(-5)));
        List<ServerMessage> out = connection.written();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getError().getCode()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
        assertThat(connection.closeFrame()).isEqualTo("1008 TOKEN_EXPIRED");
        assertThat(connection.channel.isOpen()).isFalse();
    }

    @Test
    void anotherPlayersResumeTokenIsRejectedAndOnesOwnIsNot() throws Exception {
        openWithToken(TOKENS.mint("mallory", Duration.ofMinutes(5)));
        List<ServerMessage> out = send(resume(RESUME.issue("alice", ResumeTokens.newConnectionId())));
        assertThat(out.get(out.size() - 1).getError().getCode()).isEqualTo(ErrorCode.RESUME_REJECTED);
        out = send(resume(RESUME.issue("mallory", ResumeTokens.newConnectionId())));
        assertThat(out.get(0).hasResumed()).as("%s", out).isTrue();
    }

    @Test
    void restrictionsAreForbiddenAndTheConnectionStays() throws Exception {
        openWithToken(TOKENS.mint(
                "viewer", Duration.ofMinutes(5), Map.of("spectateOnly", true, "topics", List.of("stock.*"))));
        List<ServerMessage> out = send(ClientMessage.newBuilder()
                .setRequestId("j")
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId("r1")
                        .setGameType(GameType.CHESS)
                        .setRole(Role.PLAYER))
                .build());
        assertThat(out.get(out.size() - 1).getError().getCode()).isEqualTo(ErrorCode.FORBIDDEN);
        out = send(ClientMessage.newBuilder()
                .setRequestId("s")
                .setSubscribe(Subscribe.newBuilder().addTopics("fx.EURUSD"))
                .build());
        assertThat(out.get(0).getError().getCode()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(send(ping()).get(0).hasPong()).isTrue();
        assertThat(connection.closeFrame()).isNull();
    }
}
