package roomgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ResumeTokensTest {
    private static final byte[] KEY = "the cluster's session key, 32 bytes or more".getBytes(StandardCharsets.UTF_8);

    @Test
    void aTokenNamesItsParticipantUntilItExpires() {
        ResumeTokens tokens = new ResumeTokens(KEY, Duration.ofSeconds(1));
        String token = tokens.issue("alice");
        assertThat(tokens.verify(token)).isEqualTo("alice");
        await().atMost(Duration.ofSeconds(10)).until(() -> tokens.verify(token) == null);
        assertThat(tokens.verify(tokens.issue("alice"))).as("a fresh one").isEqualTo("alice");
    }

    @Test
    void anotherKeyATamperedTokenOrGarbageIsNotOurs() {
        ResumeTokens tokens = new ResumeTokens(KEY, Duration.ofMinutes(5));
        ResumeTokens other = new ResumeTokens(
                "another cluster's key, also 32 bytes+".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
        assertThat(tokens.verify(other.issue("alice"))).isNull();
        String[] parts = tokens.issue("alice").split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(claims.replace("alice", "bobby").getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThat(tokens.verify(tampered)).isNull();
        assertThat(tokens.verify("gw-1-1.abc")).isNull();
        assertThat(tokens.verify("")).isNull();
    }
}
