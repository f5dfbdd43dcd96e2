package roomgate.wire.link;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What both ends of a link are told at start-up: how each end proves itself to the other
 * ({@code --link-auth secret|none}, {@code --link-secret-file}), how often a quiet link sends a
 * heartbeat ({@code --link-heartbeat-ms}) and how long a link may hear nothing or stay unwritable
 * before it is dropped ({@code --link-timeout-ms}). The secret file is read when the process starts
 * ({@link #auth()}), not when the flags are parsed.
 */
public record LinkSettings(Mode mode, Path secretFile, Duration heartbeat, Duration timeout) {

    public enum Mode {
        /** Gateways answer each node's challenge, and nodes each gateway's, with an HMAC under the shared secret. The default. */
        SECRET,
        /** Any process that reaches a link port may act as a gateway, or listen as a node: only for tests and benchmarks. */
        NONE
    }

    public LinkSettings {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.SECRET && secretFile == null) {
            throw new IllegalArgumentException("--link-secret-file: missing (expected: a file holding the secret "
                    + "every gateway and node shares, at least " + LinkAuth.MIN_SECRET_BYTES
                    + " bytes, e.g. `openssl rand -hex 32`; or --link-auth none, for tests only)");
        }
        if (mode == Mode.NONE && secretFile != null) {
            throw new IllegalArgumentException(
                    "--link-secret-file: given with --link-auth none (expected: one or the other)");
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || timeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("--link-heartbeat-ms " + heartbeat.toMillis() + ", --link-timeout-ms "
                    + timeout.toMillis() + " (expected: a timeout of at least two heartbeats)");
        }
    }

    /** No authentication, default timing: for tests that run a node or gateway in-process. */
    public static LinkSettings unauthenticated() {
        return new LinkSettings(
                Mode.NONE,
                null,
                Duration.ofMillis(DEFAULT_HEARTBEAT_MILLIS),
                Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS));
    }

    /** The defaults of {@code --link-heartbeat-ms} and {@code --link-timeout-ms}. */
    public static final int DEFAULT_HEARTBEAT_MILLIS = 1_000;
    /**
     * Long enough for a GC pause or a loaded machine's scheduling (a false drop moves the node's rooms,
     * which the clients see as a pause), short enough that a wedged node's rooms move within seconds.
     */
    public static final int DEFAULT_TIMEOUT_MILLIS = 10_000;

    /** From flag values (null when not given): {@code --link-auth} defaults to secret. */
    public static LinkSettings of(String auth, String secretFile, int heartbeatMillis, int timeoutMillis) {
        Mode mode = switch (auth == null ? "secret" : auth) {
            case "secret" -> Mode.SECRET;
            case "none" -> Mode.NONE;
            default -> throw new IllegalArgumentException("--link-auth: '" + auth + "' (expected: secret or none)");
        };
        return new LinkSettings(
                mode,
                secretFile == null || secretFile.isBlank() ? null : Path.of(secretFile),
                Duration.ofMillis(heartbeatMillis),
                Duration.ofMillis(timeoutMillis));
    }

    /** Reads the secret file now; {@link LinkAuth#none()} with {@code --link-auth none}. */
    public LinkAuth auth() {
        return mode == Mode.NONE ? LinkAuth.none() : LinkAuth.fromFile(secretFile);
    }
}
