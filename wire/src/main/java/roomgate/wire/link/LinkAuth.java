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
 * How a node knows that whoever opened a link is one of our gateways: the node sends a fresh random
 * nonce ({@code Challenge}), the gateway answers with HMAC-SHA256 over that nonce and both ids under
 * the secret every gateway and node reads from its own file ({@code Hello.proof}), and the node
 * compares in constant time. A recorded Hello is worthless on another connection, whose nonce
 * differs. The HMAC is the JDK's ({@link Mac}); the ids are length-prefixed so that no two
 * (gateway, node) pairs give the same input.
 */
public final class LinkAuth {
    /** Shorter secrets are refused: 32 bytes is HMAC-SHA256's own key size. */
    public static final int MIN_SECRET_BYTES = 32;

    public static final int NONCE_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Null: no authentication ({@code --link-auth none}). */
    private final byte[] secret;

    private LinkAuth(byte[] secret) {
        this.secret = secret;
    }

    /** No authentication: a gateway sends no proof and a node takes any Hello. For tests only. */
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
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update(nonce);
            update(mac, gatewayId);
            update(mac, nodeId);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            // Every JDK has HmacSHA256 (a required algorithm): this is a broken runtime.
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        }
    }

    /** Whether {@code proof} answers {@code nonce} for these ids; always true without a secret. */
    public boolean verify(byte[] nonce, String gatewayId, String nodeId, byte[] proof) {
        if (secret == null) {
            return true;
        }
        return MessageDigest.isEqual(proof(nonce, gatewayId, nodeId), proof);
    }

    private static void update(Mac mac, String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        mac.update(new byte[] {
            (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length
        });
        mac.update(bytes);
    }
}
