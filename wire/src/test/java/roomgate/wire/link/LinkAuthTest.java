package roomgate.wire.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkAuthTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private final LinkAuth auth = LinkAuth.withSecret(SECRET);

    @Test
    void aProofAnswersOnlyItsOwnNonceAndIds() {
        byte[] nonce = LinkAuth.newNonce();
        byte[] proof = auth.proof(nonce, "gw-1", "node-1");
        assertThat(proof).hasSize(32);
        assertThat(auth.verify(nonce, "gw-1", "node-1", proof)).isTrue();
        assertThat(auth.verify(LinkAuth.newNonce(), "gw-1", "node-1", proof))
                .as("replayed against another challenge")
                .isFalse();
        assertThat(auth.verify(nonce, "gw-2", "node-1", proof)).isFalse();
        assertThat(auth.verify(nonce, "gw-1", "node-2", proof)).isFalse();
        // The ids are length-prefixed: moving a character from one to the other is another input.
        assertThat(auth.verify(nonce, "gw-1n", "ode-1", proof)).isFalse();
        assertThat(auth.verify(nonce, "gw-1", "node-1", new byte[0])).isFalse();
        assertThat(LinkAuth.withSecret("another-secret-of-thirty-two-bytes!!".getBytes(StandardCharsets.UTF_8))
                        .verify(nonce, "gw-1", "node-1", proof))
                .isFalse();
    }

    @Test
    void aNodeProofAnswersOnlyItsOwnHandshake() {
        byte[] gatewayNonce = LinkAuth.newNonce();
        byte[] nodeNonce = LinkAuth.newNonce();
        byte[] proof = auth.nodeProof(gatewayNonce, nodeNonce, "node-1", "gw-1");
        assertThat(proof).hasSize(32);
        assertThat(auth.verifyNode(gatewayNonce, nodeNonce, "node-1", "gw-1", proof))
                .isTrue();
        assertThat(auth.verifyNode(gatewayNonce, nodeNonce, "node-2", "gw-1", proof))
                .as("another node's id (a node that took over the address)")
                .isFalse();
        assertThat(auth.verifyNode(gatewayNonce, nodeNonce, "node-1", "gw-2", proof))
                .as("made for another gateway")
                .isFalse();
        assertThat(auth.verifyNode(gatewayNonce, LinkAuth.newNonce(), "node-1", "gw-1", proof))
                .as("made for another challenge")
                .isFalse();
        assertThat(auth.verifyNode(gatewayNonce, nodeNonce, "node-1", "gw-1", new byte[0]))
                .as("missing")
                .isFalse();
        assertThat(LinkAuth.withSecret("another-secret-of-thirty-two-bytes!!".getBytes(StandardCharsets.UTF_8))
                        .verifyNode(gatewayNonce, nodeNonce, "node-1", "gw-1", proof))
                .isFalse();
    }

    @Test
    void aNodeProofReplayedAgainstAnotherGatewayNonceIsRefused() {
        byte[] nodeNonce = LinkAuth.newNonce();
        byte[] recorded = auth.nodeProof(LinkAuth.newNonce(), nodeNonce, "node-1", "gw-1");
        // An impostor that recorded a Welcome sends it again, even with the same challenge: the gateway's
        // nonce on the new connection is new.
        assertThat(auth.verifyNode(LinkAuth.newNonce(), nodeNonce, "node-1", "gw-1", recorded))
                .isFalse();
    }

    @Test
    void aGatewayProofReflectedAsANodeProofIsRefused() {
        byte[] gatewayNonce = LinkAuth.newNonce();
        byte[] nodeNonce = LinkAuth.newNonce();
        // An impostor node hands the gateway's own Hello proof back as its Welcome proof...
        byte[] gatewayProof = auth.proof(nodeNonce, "gw-1", "node-1");
        assertThat(auth.verifyNode(gatewayNonce, nodeNonce, "node-1", "gw-1", gatewayProof))
                .isFalse();
        // ...or first challenges with the gateway's nonce, and with the ids swapped.
        assertThat(auth.verifyNode(
                        gatewayNonce, gatewayNonce, "node-1", "gw-1", auth.proof(gatewayNonce, "gw-1", "node-1")))
                .isFalse();
        assertThat(auth.verifyNode(gatewayNonce, nodeNonce, "gw-1", "node-1", auth.proof(nodeNonce, "node-1", "gw-1")))
                .isFalse();
        // And the other way: a node proof is no answer to a challenge, whatever the challenge.
        byte[] nodeProof = auth.nodeProof(gatewayNonce, nodeNonce, "node-1", "gw-1");
        assertThat(auth.verify(nodeNonce, "gw-1", "node-1", nodeProof)).isFalse();
        assertThat(auth.verify(gatewayNonce, "gw-1", "node-1", nodeProof)).isFalse();
        assertThat(nodeProof).isNotEqualTo(auth.proof(nodeNonce, "gw-1", "node-1"));
    }

    @Test
    void withoutASecretEveryHelloIsTakenAndNoProofIsMade() {
        assertThat(LinkAuth.none().required()).isFalse();
        assertThat(LinkAuth.none().proof(LinkAuth.newNonce(), "gw", "n")).isEmpty();
        assertThat(LinkAuth.none().verify(LinkAuth.newNonce(), "gw", "n", new byte[0]))
                .isTrue();
        assertThat(LinkAuth.none().nodeProof(LinkAuth.newNonce(), LinkAuth.newNonce(), "n", "gw"))
                .isEmpty();
        assertThat(LinkAuth.none().verifyNode(LinkAuth.newNonce(), LinkAuth.newNonce(), "n", "gw", new byte[0]))
                .isTrue();
    }

    @Test
    void theSecretFileIsReadWithoutItsTrailingNewlineAndAShortOneIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("link-secret"), new String(SECRET, StandardCharsets.UTF_8) + "\n");
        LinkAuth fromFile = LinkAuth.fromFile(file);
        byte[] nonce = LinkAuth.newNonce();
        assertThat(fromFile.verify(nonce, "gw", "n", auth.proof(nonce, "gw", "n")))
                .isTrue();

        Path shortFile = Files.writeString(dir.resolve("short"), "too-short\n");
        assertThatThrownBy(() -> LinkAuth.fromFile(shortFile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--link-secret-file")
                .hasMessageContaining("at least 32");
        assertThatThrownBy(() -> LinkAuth.fromFile(dir.resolve("missing"))).hasMessageContaining("cannot read");
    }

    @Test
    void settingsRequireASecretFileUnlessAuthIsOffAndATimeoutOfTwoHeartbeats() {
        assertThatThrownBy(() -> LinkSettings.of(null, null, 1_000, 10_000))
                .hasMessageContaining("--link-secret-file: missing");
        assertThatThrownBy(() -> LinkSettings.of("none", "/etc/x", 1_000, 10_000))
                .hasMessageContaining("one or the other");
        assertThatThrownBy(() -> LinkSettings.of("tls", null, 1_000, 10_000)).hasMessageContaining("--link-auth");
        assertThatThrownBy(() -> LinkSettings.of("none", null, 1_000, 1_500)).hasMessageContaining("two heartbeats");
        LinkSettings settings = LinkSettings.of(null, "/etc/roomgate/link-secret", 500, 4_000);
        assertThat(settings.mode()).isEqualTo(LinkSettings.Mode.SECRET);
        assertThat(settings.heartbeat()).isEqualTo(Duration.ofMillis(500));
        assertThat(LinkSettings.of("none", null, 1_000, 10_000).auth().required())
                .isFalse();
    }
}
