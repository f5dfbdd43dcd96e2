package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.systemtest.ChessMessages.join;
import static roomgate.systemtest.ChessMessages.move;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.CloseStatus;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.gateway.auth.DevTokens;
import roomgate.gateway.auth.KeyFiles;
import roomgate.gateway.session.ResumeTokens;
import roomgate.protocol.v1.Authenticate;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.Seat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * Client identity on real gateway and node JVMs (two gateways with --auth jwt and an HS256 key, the
 * first also minting development tokens): floods of bad tokens (forged, expired, {@code alg: none},
 * another audience, not a JWT, none) and of stolen or tampered resume tokens are each refused,
 * measured by {@link AttackMeter} beside an honest game on the attacked gateway; a seat belongs to
 * its player, who gets it back from another gateway while another player cannot take it; a
 * spectate-only token cannot move; another player's resume token is refused; a resume token
 * resumes its connection once, whichever gateway is asked and whichever of its tokens is used.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Attacking connections open at once during a flood, and how long a flood lasts. */
    private static final int ATTACKERS = 8;

    private static final long FLOOD_MS = 2_000;

    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final List<RoomgateClient> clients = new ArrayList<>();
    private LocalCluster cluster;
    private DevTokens tokens;
    /** The resume tokens of the cluster's session key, to read a token's claims as a gateway does. */
    private ResumeTokens resumeTokens;

    private String secret;
    private AttackMeter meter;

    @BeforeAll
    void startCluster() throws Exception {
        Path dir = Path.of("target", "system-test-logs", "auth").toAbsolutePath();
        Files.createDirectories(dir);
        Path key = dir.resolve("hs256.key");
        secret = "auth-system-test-" + UUID.randomUUID() + UUID.randomUUID();
        Files.writeString(key, secret);
        tokens = new DevTokens(secret.getBytes(StandardCharsets.UTF_8), "roomgate");
        Path sessionKey = Files.writeString(dir.resolve("session.key"), UUID.randomUUID() + "-" + UUID.randomUUID());
        resumeTokens = new ResumeTokens(KeyFiles.secret(sessionKey, "session-key-file"), Duration.ofMinutes(10));
        cluster = LocalCluster.start("auth", 2, 2, List.of(), gateway -> {
            List<String> args = new ArrayList<>(LocalCluster.jwtHs256(key));
            args.addAll(List.of("--session-key-file", sessionKey.toString()));
            if (gateway == 0) {
                args.addAll(List.of("--auth-dev-tokens", "true"));
            }
            return args;
        });
        List<ServiceProcess> all = new ArrayList<>(cluster.nodes().values());
        all.addAll(List.of(cluster.gateway(0), cluster.gateway(1)));
        meter = AttackMeter.start(
                "auth",
                new HonestGame(
                        RoomgateClient.connect(
                                cluster.websocket(0),
                                Encoding.BINARY,
                                tokens.mint("honest-w-" + run, Duration.ofHours(1))),
                        RoomgateClient.connect(
                                cluster.websocket(0),
                                Encoding.BINARY,
                                tokens.mint("honest-b-" + run, Duration.ofHours(1))),
                        "honest-" + run),
                all,
                List.of(cluster.gateway(0)));
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (meter != null) {
            meter.stop();
        }
        clients.forEach(RoomgateClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private RoomgateClient connect(int gateway, String token) throws Exception {
        RoomgateClient client = RoomgateClient.connect(cluster.websocket(gateway), Encoding.BINARY, token);
        clients.add(client);
        return client;
    }

    private static ServerMessage ping(RoomgateClient client) throws Exception {
        return client.request(
                ClientMessage.newBuilder().setPing(Ping.getDefaultInstance()).build(), TIMEOUT);
    }

    private static void assertRefusedAndClosed(RoomgateClient client, ErrorCode code) throws Exception {
        ServerMessage error = client.await(ServerMessage::hasError, TIMEOUT);
        assertThat(error.getError().getCode()).isEqualTo(code);
        CloseStatus closed = client.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).isEqualTo(code.name());
    }

    /** A bad token of one kind, and the error it must be refused with. */
    private record BadToken(String kind, String token, ErrorCode expected) {}

    @Test
    void floodsOfBadTokensAreRefusedAndClosed() throws Exception {
        long exp = Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond();
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"sub\":\"alice\",\"aud\":\"roomgate\",\"exp\":" + exp + "}")
                        .getBytes(StandardCharsets.UTF_8))
                + ".";
        List<BadToken> kinds = List.of(
                new BadToken(
                        "forged (another key)",
                        new DevTokens(
                                        "not the cluster's secret, but long enough".getBytes(StandardCharsets.UTF_8),
                                        "roomgate")
                                .mint("alice", Duration.ofMinutes(5)),
                        ErrorCode.UNAUTHENTICATED),
                new BadToken("expired", tokens.mint("alice", Duration.ofMinutes(-10)), ErrorCode.TOKEN_EXPIRED),
                new BadToken("alg none", unsigned, ErrorCode.UNAUTHENTICATED),
                new BadToken(
                        "another audience",
                        new DevTokens(secret.getBytes(StandardCharsets.UTF_8), "elsewhere")
                                .mint("alice", Duration.ofMinutes(5)),
                        ErrorCode.UNAUTHENTICATED),
                new BadToken("not a JWT", "not-a-jwt", ErrorCode.UNAUTHENTICATED),
                new BadToken("none, then a message", null, ErrorCode.UNAUTHENTICATED));
        AtomicInteger next = new AtomicInteger();
        Map<String, LongAdder> refused = new ConcurrentHashMap<>();
        meter.attack(
                "bad client tokens",
                ATTACKERS + " connections at a time for " + FLOOD_MS / 1000 + " s, in turn: "
                        + kinds.stream().map(BadToken::kind).toList(),
                () -> {
                    String first = AttackMeter.repeatFor(FLOOD_MS, ATTACKERS, () -> {
                        BadToken bad = kinds.get(next.getAndIncrement() % kinds.size());
                        try (RoomgateClient client =
                                RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY, bad.token())) {
                            if (bad.token() == null) {
                                client.send(ClientMessage.newBuilder()
                                        .setPing(Ping.getDefaultInstance())
                                        .build());
                            }
                            assertRefusedAndClosed(client, bad.expected());
                        }
                        String answer = bad.kind() + ": " + bad.expected() + ", close 1008 " + bad.expected();
                        refused.computeIfAbsent(answer, k -> new LongAdder()).increment();
                        return answer;
                    });
                    assertThat(refused).as("every kind tried").hasSize(kinds.size());
                    return first + "; in all: " + refused;
                });
    }

    @Test
    void floodsOfStolenResumeTokensAreRefused() throws Exception {
        String room = "stolen-" + run;
        RoomgateClient victim = connect(0, tokens.mint("victim-" + run, Duration.ofMinutes(5)));
        RoomgateClient opponent = connect(0, tokens.mint("opponent-" + run, Duration.ofMinutes(5)));
        victim.request(join(room, Role.PLAYER, Side.WHITE), TIMEOUT);
        opponent.request(join(room, Role.PLAYER, Side.BLACK), TIMEOUT);
        String stolen = victim.received().stream()
                .filter(ServerMessage::hasSessionStarted)
                .findFirst()
                .orElseThrow()
                .getSessionStarted()
                .getResumeToken();
        // The victim's token with the thief's id for its subject, under the victim's signature.
        String[] parts = stolen.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(claims).contains("\"victim-" + run + "\"");
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(claims.replace("victim-" + run, "mallory-" + run)
                                .getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        String thief = tokens.mint("mallory-" + run, Duration.ofMinutes(5));
        AtomicInteger next = new AtomicInteger();
        Map<String, LongAdder> refused = new ConcurrentHashMap<>();
        meter.attack(
                "stolen resume tokens",
                ATTACKERS + " connections at a time for " + FLOOD_MS / 1000 + " s, each with a valid token of"
                        + " another player and a resume of the victim's seat, with the victim's resume token or"
                        + " that token re-written to name the thief (signature kept)",
                () -> {
                    String first = AttackMeter.repeatFor(FLOOD_MS, ATTACKERS, () -> {
                        String resumeToken = next.getAndIncrement() % 2 == 0 ? stolen : tampered;
                        try (RoomgateClient client =
                                RoomgateClient.connect(cluster.websocket(0), Encoding.BINARY, thief)) {
                            ServerMessage answer = client.request(
                                    ClientMessage.newBuilder()
                                            .setResume(Resume.newBuilder()
                                                    .setResumeToken(resumeToken)
                                                    .putLastSequences(room, 0))
                                            .build(),
                                    TIMEOUT);
                            assertThat(answer.getError().getCode())
                                    .as("answer %s", answer)
                                    .isEqualTo(ErrorCode.RESUME_REJECTED);
                            String said = (resumeToken.equals(stolen) ? "the victim's" : "re-written") + " token: "
                                    + answer.getError().getCode() + " '"
                                    + answer.getError().getMessage() + "'";
                            refused.computeIfAbsent(said, k -> new LongAdder()).increment();
                            return said;
                        }
                    });
                    assertThat(refused).as("both kinds tried").hasSize(2);
                    return first + "; in all: " + refused;
                });
        // Had a thief got in, the seat would be his and the victim told SEAT_TAKEN.
        ServerMessage moved = victim.request(move(room, "e2e4"), TIMEOUT);
        assertThat(moved.hasEvent())
                .as("the victim still holds its seat: %s", moved)
                .isTrue();
        assertThat(victim.received()).noneMatch(ServerMessage::hasError);
    }

    @Test
    void withoutATokenTheFirstMessageMustAuthenticate() throws Exception {
        RoomgateClient anonymous = connect(0, null);
        assertThat(ping(anonymous).getError().getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        CloseStatus closed = anonymous.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(1008);

        RoomgateClient late = connect(0, null);
        ServerMessage started = late.request(
                ClientMessage.newBuilder()
                        .setAuthenticate(Authenticate.newBuilder().setToken(tokens.mint("dora", Duration.ofMinutes(5))))
                        .build(),
                TIMEOUT);
        assertThat(started.hasSessionStarted()).as("answer %s", started).isTrue();
        assertThat(ping(late).hasPong()).isTrue();
    }

    @Test
    void aSeatBelongsToItsPlayer() throws Exception {
        String room = "seat-" + run;
        RoomgateClient alice = connect(0, tokens.mint("alice", Duration.ofMinutes(5)));
        ServerMessage joined = alice.request(join(room, Role.PLAYER, Side.WHITE), TIMEOUT);
        assertThat(joined.getJoined().getSeat()).isEqualTo(Seat.SEAT_WHITE);
        assertThat(joined.getJoined().getParticipantId()).isEqualTo("alice");

        // Bob knows alice's participant id (everyone in the room does); it does not get him her seat.
        RoomgateClient bob = connect(1, tokens.mint("bob", Duration.ofMinutes(5)));
        assertThat(bob.request(join(room, Role.PLAYER, Side.WHITE), TIMEOUT)
                        .getError()
                        .getCode())
                .isEqualTo(ErrorCode.SEAT_TAKEN);

        // Alice again, from the other gateway: her seat comes back, and her first connection is told.
        RoomgateClient aliceAgain = connect(1, tokens.mint("alice", Duration.ofMinutes(5)));
        ServerMessage back = aliceAgain.request(join(room, Role.PLAYER, Side.SIDE_UNSPECIFIED), TIMEOUT);
        assertThat(back.getJoined().getSeat()).isEqualTo(Seat.SEAT_WHITE);
        ServerMessage told =
                alice.await(m -> m.hasError() && m.getError().getRoomId().equals(room), TIMEOUT);
        assertThat(told.getError().getCode()).isEqualTo(ErrorCode.SEAT_TAKEN);
        assertThat(alice.request(move(room, "e2e4"), TIMEOUT).getError().getCode())
                .as("the first connection is out of the room")
                .isEqualTo(ErrorCode.NOT_IN_ROOM);
        ServerMessage moved = aliceAgain.request(move(room, "e2e4"), TIMEOUT);
        assertThat(moved.getEvent().getMoveMade().getParticipantId()).isEqualTo("alice");
    }

    @Test
    void aSpectateOnlyTokenCannotPlay() throws Exception {
        String room = "watch-" + run;
        RoomgateClient white = connect(0, tokens.mint("wanda", Duration.ofMinutes(5)));
        white.request(join(room, Role.PLAYER, Side.WHITE), TIMEOUT);
        RoomgateClient viewer = connect(1, tokens.mint("victor", Duration.ofMinutes(5), Map.of("spectateOnly", true)));
        assertThat(viewer.request(join(room, Role.PLAYER, Side.BLACK), TIMEOUT)
                        .getError()
                        .getCode())
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(viewer.request(join(room, Role.SPECTATOR, Side.SIDE_UNSPECIFIED), TIMEOUT)
                        .getJoined()
                        .getSeat())
                .isEqualTo(Seat.SEAT_SPECTATOR);
        assertThat(viewer.request(move(room, "e2e4"), TIMEOUT).getError().getCode())
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(ping(viewer).hasPong()).as("the connection stays").isTrue();
    }

    @Test
    void anotherPlayersResumeTokenIsRefused() throws Exception {
        String room = "resume-" + run;
        RoomgateClient bob = connect(0, tokens.mint("bob-" + run, Duration.ofMinutes(5)));
        bob.request(join(room, Role.PLAYER, Side.BLACK), TIMEOUT);
        String bobsResumeToken = bob.received().stream()
                .filter(ServerMessage::hasSessionStarted)
                .findFirst()
                .orElseThrow()
                .getSessionStarted()
                .getResumeToken();

        RoomgateClient thief = connect(1, tokens.mint("mallory-" + run, Duration.ofMinutes(5)));
        ServerMessage refused = thief.request(
                ClientMessage.newBuilder()
                        .setResume(Resume.newBuilder()
                                .setResumeToken(bobsResumeToken)
                                .putLastSequences(room, 0))
                        .build(),
                TIMEOUT);
        assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RESUME_REJECTED);

        // Bob himself, on a new connection through the other gateway, resumes with it.
        bob.close();
        RoomgateClient bobAgain = connect(1, tokens.mint("bob-" + run, Duration.ofMinutes(5)));
        ServerMessage resumed = bobAgain.request(
                ClientMessage.newBuilder()
                        .setResume(Resume.newBuilder()
                                .setResumeToken(bobsResumeToken)
                                .putLastSequences(room, 0))
                        .build(),
                TIMEOUT);
        assertThat(resumed.hasResumed()).as("answer %s", resumed).isTrue();
    }

    private static ClientMessage resume(String token, String room, long lastSequence) {
        return ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setResumeToken(token).putLastSequences(room, lastSequence))
                .build();
    }

    @Test
    void aResumeTokenResumesItsConnectionOnceThroughAnyGateway() throws Exception {
        String room = "once-" + run;
        String player = "olga-" + run;
        RoomgateClient white = connect(0, tokens.mint(player, Duration.ofMinutes(5)));
        RoomgateClient black = connect(1, tokens.mint("boris-" + run, Duration.ofMinutes(5)));
        white.request(join(room, Role.PLAYER, Side.WHITE), TIMEOUT);
        black.request(join(room, Role.PLAYER, Side.BLACK), TIMEOUT);
        long e4 = white.request(move(room, "e2e4"), TIMEOUT).getEvent().getSequence();
        String older = white.resumeToken();
        // A newer token of the same connection, as its gateway re-issues one half way through the
        // last one's life (same claims, later issue time), signed with the cluster's session key.
        ResumeTokens.Claims claims = resumeTokens.verify(older);
        assertThat(claims.participantId()).isEqualTo(player);
        String newer = resumeTokens.issue(player, claims.connectionId());

        white.close();
        black.request(move(room, "e7e5"), TIMEOUT); // missed by white while it is away

        RoomgateClient back = connect(1, tokens.mint(player, Duration.ofMinutes(5)));
        ServerMessage resumed = back.request(resume(newer, room, e4), TIMEOUT);
        assertThat(resumed.hasResumed()).as("answer %s", resumed).isTrue();
        ServerMessage missed = back.await(m -> m.hasEvent() && m.getEvent().getSequence() == e4 + 1, TIMEOUT);
        assertThat(missed.getEvent().getMoveMade().getUci()).isEqualTo("e7e5");
        assertThat(resumeTokens.verify(back.resumeToken()).connectionId())
                .as("the new connection's token is bound to it")
                .isNotEqualTo(claims.connectionId());

        // The same player, through the other gateway: neither token of the resumed connection works again.
        RoomgateClient again = connect(0, tokens.mint(player, Duration.ofMinutes(5)));
        for (String spent : List.of(newer, older)) {
            ServerMessage refused = again.request(resume(spent, room, e4), TIMEOUT);
            assertThat(refused.getError().getCode()).as("answer %s", refused).isEqualTo(ErrorCode.RESUME_REJECTED);
            assertThat(refused.getError().getMessage()).contains("already used");
        }

        // The honest client kept its seat and every move: it plays on, and sees black's answer.
        ServerMessage nf3 = back.request(move(room, "g1f3"), TIMEOUT);
        assertThat(nf3.getEvent().getSequence()).as("answer %s", nf3).isEqualTo(e4 + 2);
        black.request(move(room, "b8c6"), TIMEOUT);
        back.await(m -> m.hasEvent() && m.getEvent().getSequence() == e4 + 3, TIMEOUT);
        assertThat(back.received().stream()
                        .filter(ServerMessage::hasEvent)
                        .filter(m -> m.getEvent().hasMoveMade())
                        .map(m -> m.getEvent().getMoveMade().getUci()))
                .containsExactly("e7e5", "g1f3", "b8c6");
    }

    @Test
    void theDevelopmentEndpointMintsTokensTheGatewayAccepts() throws Exception {
        URI uri = cluster.http(0, "/auth/dev-token?player=devon");
        HttpResponse<String> answer =
                GameFixture.http(HttpRequest.newBuilder(uri).build());
        assertThat(answer.statusCode()).isEqualTo(200);
        String token = answer.body().replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
        RoomgateClient devon = connect(0, token);
        assertThat(ping(devon).hasPong()).isTrue();
        assertThat(GameFixture.http(HttpRequest.newBuilder(cluster.http(1, "/auth/dev-token?player=devon"))
                                .build())
                        .statusCode())
                .as("not without --auth-dev-tokens")
                .isEqualTo(404);
    }
}
