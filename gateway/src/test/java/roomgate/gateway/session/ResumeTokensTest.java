package roomgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResumeTokensTest {
    private static final byte[] KEY = "the cluster's session key, 32 bytes or more".getBytes(StandardCharsets.UTF_8);

    @Test
    void aTokenNamesItsParticipantAndConnectionUntilItExpires() {
        ResumeTokens tokens = new ResumeTokens(KEY, Duration.ofSeconds(1));
        String token = tokens.issue("alice", "conn-1");
        ResumeTokens.Claims claims = tokens.verify(token);
        assertThat(claims.participantId()).isEqualTo("alice");
        assertThat(claims.connectionId()).isEqualTo("conn-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> tokens.verify(token) == null);
        assertThat(tokens.verify(tokens.issue("alice", "conn-1")))
                .as("a fresh one")
                .isNotNull();
    }

    @Test
    void tokensOfOneConnectionShareItsIdAndEachHasItsOwnTokenId() {
        ResumeTokens tokens = new ResumeTokens(KEY, Duration.ofMinutes(5));
        ResumeTokens.Claims first = tokens.verify(tokens.issue("alice", "conn-1"));
        ResumeTokens.Claims second = tokens.verify(tokens.issue("alice", "conn-1"));
        assertThat(second.connectionId()).isEqualTo(first.connectionId());
        assertThat(second.tokenId()).isNotEqualTo(first.tokenId());
    }

    @Test
    void connectionIdsAre128RandomBits() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = ResumeTokens.newConnectionId();
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
            ids.add(id);
        }
        assertThat(ids).as("no two alike").hasSize(1_000);
    }

    @Test
    void aTokenThatNamesNoConnectionIsNotAccepted() throws Exception {
        // As the gateway issued them before tokens were bound to their connection: signed, unexpired.
        SignedJWT unbound = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(new JOSEObjectType("roomgate-resume+jwt"))
                        .build(),
                new JWTClaimsSet.Builder()
                        .subject("alice")
                        .audience("roomgate-resume")
                        .issueTime(new Date())
                        .expirationTime(new Date(System.currentTimeMillis() + 60_000))
                        .build());
        unbound.sign(new MACSigner(KEY));
        ResumeTokens tokens = new ResumeTokens(KEY, Duration.ofMinutes(5));
        assertThat(tokens.verify(unbound.serialize())).isNull();
    }

    @Test
    void anotherKeyATamperedTokenOrGarbageIsNotOurs() {
        ResumeTokens tokens = new ResumeTokens(KEY, Duration.ofMinutes(5));
        ResumeTokens other = new ResumeTokens(
                "another cluster's key, also 32 bytes+".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
        assertThat(tokens.verify(other.issue("alice", "conn-1"))).isNull();
        for (String[] swap : new String[][] {{"alice", "bobby"}, {"conn-1", "conn-2"}}) {
            String[] parts = tokens.issue("alice", "conn-1").split("\\.");
            String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            String tampered = parts[0] + "."
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(claims.replace(swap[0], swap[1]).getBytes(StandardCharsets.UTF_8))
                    + "." + parts[2];
            assertThat(tokens.verify(tampered)).as("%s -> %s", swap[0], swap[1]).isNull();
        }
        assertThat(tokens.verify("gw-1-1.abc")).isNull();
        assertThat(tokens.verify("")).isNull();
    }
}
