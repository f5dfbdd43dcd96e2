package roomgate.wire.link;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How each end of a link knows the other holds the link secret. The node sends a fresh random nonce
 * ({@code Challenge}); the gateway answers with HMAC-SHA256 over that nonce and both ids under the
 * secret every gateway and node reads from its own file ({@code Hello.proof}), with a fresh nonce of
 * its own ({@code Hello.gateway_nonce}); the node answers that in turn ({@code Welcome.proof},
 * {@link #nodeProof}). Both compare in constant time. A recorded Hello or Welcome is worthless on
 * another connection, whose nonces differ. The HMAC is the JDK's ({@link Mac}); the ids are
 * length-prefixed so that no two (gateway, node) pairs give the same input.
 */
public final class LinkAuth {
    /** Shorter secrets are refused: 32 bytes is HMAC-SHA256's own key size. */
    public static final int MIN_SECRET_BYTES = 32;

    public static final int NONCE_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    /**
     * Starts every node proof's input, so that no node proof is ever a gateway proof or the other way
     * round, whatever nonce an impostor chooses. A gateway proof's input is a {@value #NONCE_BYTES}-byte
     * challenge and then the gateway id's 4-byte length; here those 4 bytes are printable characters
     * ("gate", over 1.7 billion), a length no id in a link frame (at most 4 MiB) can have.
     */
    private static final byte[] NODE_PROOF_LABEL =
            "roomgate link node proof, not a gateway proof".getBytes(StandardCharsets.US_ASCII);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Null: no authentication ({@code --link-auth none}). */
    private final byte[] secret;

    private LinkAuth(byte[] secret) {
        this.secret = secret;
    }

    /** No authentication: neither end sends a proof and each takes any from the other. For tests only. */
    public static LinkAuth none() {
        return new LinkAuth(null);
    }

    public static LinkAuth withSecret(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("link secret: " + secret.length + " bytes (expected: at least "
                    + MIN_SECRET_BYTES + ", e.g. `openssl rand -hex 32`)");
        }
        return new LinkAuth(secret.clone());
    }

    /** The secret in {@code file}, without leading or trailing whitespace (so an editor's newline does not count). */
    public static LinkAuth fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--link-secret-file: cannot read " + file + ": " + e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        Arrays.fill(bytes, (byte) 0);
        try {
            return withSecret(text.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--link-secret-file " + file + ": " + e.getMessage());
        }
    }

    public boolean required() {
        return secret != null;
    }

    public static byte[] newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** The gateway's answer to {@code nonce}; empty without a secret. */
    public byte[] proof(byte[] nonce, String gatewayId, String nodeId) {
        if (secret == null) {
            return new byte[0];
        }
        Mac mac = mac();
        mac.update(nonce);
        update(mac, gatewayId);
        update(mac, nodeId);
        return mac.doFinal();
    }

    /** Whether {@code proof} answers {@code nonce} for these ids; always true without a secret. */
    public boolean verify(byte[] nonce, String gatewayId, String nodeId, byte[] proof) {
        if (secret == null) {
            return true;
        }
        return MessageDigest.isEqual(proof(nonce, gatewayId, nodeId), proof);
    }

    /**
     * The node's answer to the gateway's Hello: its {@code gatewayNonce}, with the node's own challenge
     * {@code nodeNonce} and both ids, under a label of its own; empty without a secret.
     */
    public byte[] nodeProof(byte[] gatewayNonce, byte[] nodeNonce, String nodeId, String gatewayId) {
        if (secret == null) {
            return new byte[0];
        }
        Mac mac = mac();
        mac.update(NODE_PROOF_LABEL);
        update(mac, gatewayNonce);
        update(mac, nodeNonce);
        update(mac, nodeId);
        update(mac, gatewayId);
        return mac.doFinal();
    }

    /** Whether {@code proof} is the node's answer to this handshake; always true without a secret. */
    public boolean verifyNode(byte[] gatewayNonce, byte[] nodeNonce, String nodeId, String gatewayId, byte[] proof) {
        if (secret == null) {
            return true;
        }
        return MessageDigest.isEqual(nodeProof(gatewayNonce, nodeNonce, nodeId, gatewayId), proof);
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            // Every JDK has HmacSHA256 (a required algorithm): this is a broken runtime.
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        }
    }

    private static void update(Mac mac, String id) {
        update(mac, id.getBytes(StandardCharsets.UTF_8));
    }

    private static void update(Mac mac, byte[] bytes) {
        mac.update(new byte[] {
            (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length
        });
        mac.update(bytes);
    }
}
