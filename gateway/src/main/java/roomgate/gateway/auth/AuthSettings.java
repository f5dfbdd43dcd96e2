package roomgate.gateway.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import roomgate.runtime.Flags;

/**
 * How a gateway knows who its clients are: {@code --auth jwt} (the default) verifies a signed token
 * per connection with an HS256 secret ({@code --auth-hs256-key-file}) and/or the public keys of a
 * JWKS file ({@code --auth-jwks-file}), for the audience {@code --auth-audience}; {@code --auth none}
 * gives every connection an anonymous player id. {@code --session-key-file} holds the key resume
 * tokens are signed with (the same file on every gateway of a cluster); without it each gateway
 * makes its own, and a resume works only on the gateway that issued the token.
 */
public record AuthSettings(
        Mode mode,
        Path hs256KeyFile,
        Path jwksFile,
        String audience,
        Duration clockSkew,
        boolean devTokens,
        Path sessionKeyFile,
        Duration resumeTokenTtl) {

    public enum Mode {
        JWT,
        NONE
    }

    public static final List<String> FLAGS = List.of(
            "auth",
            "auth-hs256-key-file",
            "auth-jwks-file",
            "auth-audience",
            "auth-clock-skew-seconds",
            "auth-dev-tokens",
            "session-key-file",
            "resume-token-ttl-seconds");

    public static AuthSettings of(Flags flags) {
        Mode mode = switch (flags.get("auth", "jwt").trim().toLowerCase(Locale.ROOT)) {
            case "jwt" -> Mode.JWT;
            case "none" -> Mode.NONE;
            default ->
                throw new IllegalArgumentException("--auth: '" + flags.get("auth", "") + "' (expected: jwt or none)");
        };
        Path hs256 = path(flags.get("auth-hs256-key-file", null));
        Path jwks = path(flags.get("auth-jwks-file", null));
        String devTokens = flags.get("auth-dev-tokens", "false").trim();
        if (!devTokens.equals("true") && !devTokens.equals("false")) {
            throw new IllegalArgumentException("--auth-dev-tokens: '" + devTokens + "' (expected: true or false)");
        }
        if (devTokens.equals("true") && (mode != Mode.JWT || hs256 == null)) {
            throw new IllegalArgumentException("--auth-dev-tokens true needs --auth jwt and --auth-hs256-key-file");
        }
        String audience = flags.get("auth-audience", "roomgate").trim();
        if (audience.isEmpty()) {
            throw new IllegalArgumentException("--auth-audience: empty (expected: the aud tokens are issued for)");
        }
        return new AuthSettings(
                mode,
                hs256,
                jwks,
                audience,
                // Clocks of the issuer and the gateway differ a little; a minute is the usual allowance.
                Duration.ofSeconds(flags.getInt("auth-clock-skew-seconds", 60, 0, 3600)),
                devTokens.equals("true"),
                path(flags.get("session-key-file", null)),
                // Refreshed while the connection is used (see SessionTokens): only a resume after a
                // long silence needs a fresh join instead.
                Duration.ofSeconds(flags.getInt("resume-token-ttl-seconds", 600, 30, 86_400)));
    }

    /**
     * Whether the gateway can start with these settings: --auth jwt needs a key to verify with. Checked
     * at start rather than when parsing, so that tools can read a configuration without its files.
     */
    public void requireKeys() {
        if (mode == Mode.JWT && hs256KeyFile == null && jwksFile == null) {
            throw new IllegalArgumentException("--auth jwt needs --auth-hs256-key-file or --auth-jwks-file (or both);"
                    + " --auth none runs without client identity");
        }
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }
}
