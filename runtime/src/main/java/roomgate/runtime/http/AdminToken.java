package roomgate.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The operators' bearer token, read once from a file ({@code --admin-token-file}) so that it never
 * shows in a process list or an environment dump. {@link #guard} puts it in front of an HTTP handler:
 * a request without {@code Authorization: Bearer <token>}, or with another token, is answered 401
 * with a JSON error and never reaches the handler.
 *
 * <p>The comparison takes the same time whatever the presented token is: both sides are hashed
 * (SHA-256) and the digests compared with {@link MessageDigest#isEqual}, so neither a prefix match nor
 * the token's length shows in the answer's timing.
 */
public final class AdminToken {
    /** Shorter than this is refused at start: a guessable token protects nothing. */
    public static final int MIN_LENGTH = 16;

    private static final String SCHEME = "Bearer ";

    private final byte[] digest;

    private AdminToken(String token) {
        this.digest = sha256(token);
    }

    /**
     * Reads the token from {@code file}: its content with surrounding whitespace (a trailing newline)
     * removed.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or the token is too short
     */
    public static AdminToken read(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--admin-token-file " + file + ": cannot read it ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
        if (token.length() < MIN_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("--admin-token-file " + file + ": expected one token of at least "
                    + MIN_LENGTH + " printable ASCII characters (e.g. `openssl rand -hex 32 > " + file + "`)");
        }
        return new AdminToken(token);
    }

    /** A token given directly, for tests. */
    public static AdminToken of(String token) {
        return new AdminToken(token);
    }

    /** Whether an {@code Authorization} header value carries this token. */
    public boolean accepts(String authorization) {
        if (authorization == null
                || authorization.length() < SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        return MessageDigest.isEqual(
                digest, sha256(authorization.substring(SCHEME.length()).strip()));
    }

    /** {@code handler}, answered only for requests that carry this token; the others get 401. */
    public HttpHandler guard(HttpHandler handler) {
        return exchange -> {
            if (accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
                handler.handle(exchange);
            } else {
                refuse(exchange);
            }
        };
    }

    private static void refuse(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"roomgate-admin\"");
            HttpReplies.send(
                    exchange,
                    401,
                    "application/json",
                    ("{\"error\":\"missing or wrong bearer token (send Authorization: Bearer <the token in"
                                    + " --admin-token-file>)\",\"code\":\"UNAUTHENTICATED\"}\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
