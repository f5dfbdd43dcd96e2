package roomgate.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * Mints HS256 client tokens with the shared development secret: for the local launcher's
 * {@code GET /auth/dev-token}, the load tester and tests. Production tokens come from the
 * operator's own identity provider (RS256/ES256, verified against a JWKS file).
 */
public final class DevTokens {
    private final MACSigner signer;
    private final String audience;

    public DevTokens(byte[] secret, String audience) {
        try {
            this.signer = new MACSigner(secret.clone());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HS256 secret: " + e.getMessage(), e);
        }
        this.audience = audience;
    }

    /** A token for {@code playerId}, valid for {@code ttl} (negative: already expired, for tests). */
    public String mint(String playerId, Duration ttl) {
        return mint(playerId, ttl, null);
    }

    /** As {@link #mint(String, Duration)}, restricted by {@code restrictions} (the {@code roomgate} claim) if not null. */
    public String mint(String playerId, Duration ttl, Map<String, Object> restrictions) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(playerId)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (restrictions != null) {
            claims.claim(TokenVerifier.RESTRICTIONS_CLAIM, restrictions);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return jwt.serialize();
    }
}
