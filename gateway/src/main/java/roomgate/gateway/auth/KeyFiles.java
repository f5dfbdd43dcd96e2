package roomgate.gateway.auth;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;

/** Reads the key files a gateway is given; every secret comes from a file on the process, never from the cluster. */
public final class KeyFiles {
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    private KeyFiles() {}

    /** A shared secret: the file's text, trimmed (e.g. {@code openssl rand -base64 48}), at least 32 bytes. */
    public static byte[] secret(Path file, String flag) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("--" + flag + ": cannot read " + file + " (" + e + ")");
        }
        byte[] key = text.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("--" + flag + ": " + file + " holds " + key.length
                    + " bytes (expected: at least " + MIN_SECRET_BYTES + ", e.g. openssl rand -base64 48)");
        }
        return key;
    }

    /** The public keys of a JWKS file ({@code {"keys":[...]}}); private parts, if any, are dropped. */
    public static JWKSet publicKeys(Path file, String flag) {
        try {
            return JWKSet.load(file.toFile()).toPublicJWKSet();
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("--" + flag + ": cannot read a JWK set from " + file + " (" + e + ")");
        }
    }
}
