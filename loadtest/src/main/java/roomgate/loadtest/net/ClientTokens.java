package roomgate.loadtest.net;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Tokens for the load tester's clients, for a gateway running {@code --auth jwt}: read from a file
 * (one per line, handed out in turn), or minted, one player per client ({@code loadtest-1},
 * {@code loadtest-2}, ...), with the gateway's HS256 secret file. Thread-safe.
 */
public final class ClientTokens {
    /** Longer than any run. */
    private static final Duration TTL = Duration.ofHours(12);

    private ClientTokens() {}

    public static Supplier<String> fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("--token-file: cannot read " + file + " (" + e + ")");
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("--token-file: " + file + " has no token");
        }
        AtomicLong next = new AtomicLong();
        return () -> lines.get((int) (next.getAndIncrement() % lines.size()));
    }

    public static Supplier<String> minted(Path secretFile, String audience) {
        MACSigner signer;
        try {
            signer = new MACSigner(
                    Files.readString(secretFile, StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | JOSEException e) {
            throw new IllegalArgumentException(
                    "--auth-hs256-key-file: " + secretFile + " (" + e.getMessage() + "; expected >= 32 bytes)");
        }
        AtomicLong players = new AtomicLong();
        return () -> {
            Instant now = Instant.now();
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader(JWSAlgorithm.HS256),
                    new JWTClaimsSet.Builder()
                            .subject("loadtest-" + players.incrementAndGet())
                            .audience(audience)
                            .issueTime(Date.from(now))
                            .expirationTime(Date.from(now.plus(TTL)))
                            .build());
            try {
                jwt.sign(signer);
            } catch (JOSEException e) {
                throw new IllegalStateException("HS256 signing failed", e);
            }
            return jwt.serialize();
        };
    }
}
