package roomgate.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.security.Key;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import roomgate.protocol.v1.ErrorCode;

/**
 * Verifies the token a client presents (a JWT), with nimbus-jose-jwt: the signature with an HS256
 * shared secret or, for RS256/ES256, the JWKS key its {@code kid} names (rotation: several keys in
 * the file); the audience, a subject and the expiry (with a small clock skew). Each algorithm is tied
 * to its kind of key, so an HS256 token "signed" with a public key is refused, as is {@code alg: none}.
 * Thread-safe: one per gateway, called on the event loops (no I/O, the keys are in memory).
 */
public final class TokenVerifier {
    /** The claim that restricts a token: {@code {"spectateOnly": true, "rooms": [...], "topics": [...]}}. */
    public static final String RESTRICTIONS_CLAIM = "roomgate";

    private static final int MAX_PLAYER_ID_CHARS = 128;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /** {@code hs256Secret} and/or {@code jwks} (at least one), the audience required, the skew allowed. */
    public TokenVerifier(byte[] hs256Secret, JWKSet jwks, String audience, Duration clockSkew) {
        if (hs256Secret == null && jwks == null) {
            throw new IllegalArgumentException("a token verifier needs an HS256 secret or a JWK set");
        }
        Key hmac = hs256Secret == null ? null : new SecretKeySpec(hs256Secret.clone(), "HmacSHA256");
        JWSKeySelector<SecurityContext> published = jwks == null
                ? null
                : new JWSVerificationKeySelector<>(
                        Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(jwks));
        processor.setJWSKeySelector((header, context) -> {
            JWSAlgorithm alg = header.getAlgorithm();
            if (JWSAlgorithm.HS256.equals(alg)) {
                return hmac == null ? List.of() : List.of(hmac);
            }
            if (published != null && header.getKeyID() != null) {
                return new ArrayList<>(published.selectJWSKeys(header, context));
            }
            return List.of();
        });
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(audience, null, Set.of("sub", "exp"));
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The verifier {@code --auth jwt} asks for. */
    public static TokenVerifier from(AuthSettings settings) {
        return new TokenVerifier(
                settings.hs256KeyFile() == null
                        ? null
                        : KeyFiles.secret(settings.hs256KeyFile(), "auth-hs256-key-file"),
                settings.jwksFile() == null ? null : KeyFiles.publicKeys(settings.jwksFile(), "auth-jwks-file"),
                settings.audience(),
                settings.clockSkew());
    }

    /** Who the token stands for, and what it allows. */
    public Identity verify(String token) throws AuthFailure {
        if (token == null || token.isBlank()) {
            throw new AuthFailure(ErrorCode.UNAUTHENTICATED, "no token (send a JWT: see docs/PROTOCOL.md)");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token.trim(), null);
        } catch (ExpiredJWTException e) {
            throw new AuthFailure(ErrorCode.TOKEN_EXPIRED, "token expired (get a new one and connect again)");
        } catch (ParseException e) {
            throw new AuthFailure(ErrorCode.UNAUTHENTICATED, "token: not a JWT (" + e.getMessage() + ")");
        } catch (BadJOSEException | JOSEException e) {
            throw new AuthFailure(ErrorCode.UNAUTHENTICATED, "token refused: " + e.getMessage());
        }
        return identity(claims);
    }

    private static Identity identity(JWTClaimsSet claims) throws AuthFailure {
        String sub = claims.getSubject();
        String problem = playerIdProblem(sub);
        if (problem != null) {
            throw new AuthFailure(ErrorCode.UNAUTHENTICATED, "token sub: " + problem);
        }
        Map<String, Object> restrictions;
        try {
            restrictions = claims.getJSONObjectClaim(RESTRICTIONS_CLAIM);
        } catch (ParseException e) {
            throw new AuthFailure(ErrorCode.UNAUTHENTICATED, "token claim " + RESTRICTIONS_CLAIM + ": not an object");
        }
        if (restrictions == null) {
            return new Identity(sub, false, null, null);
        }
        for (String key : restrictions.keySet()) {
            if (!Set.of("spectateOnly", "rooms", "topics").contains(key)) {
                throw new AuthFailure(
                        ErrorCode.UNAUTHENTICATED,
                        "token claim " + RESTRICTIONS_CLAIM + "." + key + ": unknown (expected: spectateOnly, rooms,"
                                + " topics)");
            }
        }
        Object spectate = restrictions.getOrDefault("spectateOnly", Boolean.FALSE);
        if (!(spectate instanceof Boolean)) {
            throw new AuthFailure(
                    ErrorCode.UNAUTHENTICATED, "token claim " + RESTRICTIONS_CLAIM + ".spectateOnly: not a boolean");
        }
        return new Identity(
                sub,
                (Boolean) spectate,
                names(restrictions.get("rooms"), "rooms"),
                names(restrictions.get("topics"), "topics"));
    }

    private static List<String> names(Object value, String field) throws AuthFailure {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new AuthFailure(
                    ErrorCode.UNAUTHENTICATED,
                    "token claim " + RESTRICTIONS_CLAIM + "." + field + ": not an array of strings");
        }
        List<String> names = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String name) || name.isEmpty()) {
                throw new AuthFailure(
                        ErrorCode.UNAUTHENTICATED,
                        "token claim " + RESTRICTIONS_CLAIM + "." + field + ": not an array of non-empty strings");
            }
            names.add(name);
        }
        return names;
    }

    /**
     * A player id names a participant in events, PGN headers and the archive: 1-128 characters of
     * {@code A-Z a-z 0-9 . _ : - @ |}. Null if {@code id} is one.
     */
    public static String playerIdProblem(String id) {
        if (id == null || id.isEmpty()) {
            return "missing";
        }
        if (id.length() > MAX_PLAYER_ID_CHARS) {
            return id.length() + " chars (expected: 1.." + MAX_PLAYER_ID_CHARS + ")";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-'
                    || c == '@'
                    || c == '|';
            if (!ok) {
                return "character at " + i + " is not one of A-Z a-z 0-9 . _ : - @ |";
            }
        }
        return null;
    }
}
