package roomgate.gateway.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Resume tokens: the participant (player) id of a connection and the id of that connection
 * ({@code sid}), with a token id ({@code jti}) and an expiry, signed (HS256, by nimbus-jose-jwt) with
 * the session key every gateway of a cluster reads from its own {@code --session-key-file}. A client
 * that lost its connection takes its seats back through any gateway with it; with client identities
 * on, only the same player may use it (the session handler checks). The gateway issues a fresh one
 * while the connection is in use, so the token a client holds when it is cut off is at most
 * {@link #ttl()} old. Every token of one connection names the same {@code sid}: the first resume with
 * any of them spends that connection for all of them ({@link ResumeGuard}).
 */
public final class ResumeTokens {
    private static final String AUDIENCE = "roomgate-resume";
    private static final JOSEObjectType TYPE = new JOSEObjectType("roomgate-resume+jwt");
    private static final String CONNECTION_CLAIM = "sid";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Duration ttl;

    /** What a valid token says: who resumes, and which connection's seats it takes back. */
    public record Claims(String participantId, String connectionId, String tokenId) {
        public Claims {
            Objects.requireNonNull(participantId, "participantId");
            Objects.requireNonNull(connectionId, "connectionId");
            Objects.requireNonNull(tokenId, "tokenId");
        }
    }

    /** {@code key}: at least 32 bytes. */
    public ResumeTokens(byte[] key, Duration ttl) {
        try {
            this.signer = new MACSigner(key.clone());
            this.verifier = new MACVerifier(key.clone());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("resume key: " + e.getMessage() + " (expected: >= 32 bytes)", e);
        }
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * A new connection id: 128 random bits (URL-safe base64), so that nobody can name another
     * client's connection, and ids of all gateways never meet.
     */
    public static String newConnectionId() {
        return randomId();
    }

    public String issue(String participantId, String connectionId) {
        long now = System.currentTimeMillis();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).type(TYPE).build(),
                new JWTClaimsSet.Builder()
                        .subject(participantId)
                        .claim(CONNECTION_CLAIM, connectionId)
                        .jwtID(randomId())
                        .audience(AUDIENCE)
                        .issueTime(new Date(now))
                        .expirationTime(new Date(now + ttl.toMillis()))
                        .build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return jwt.serialize();
    }

    /**
     * What a token says, or null if it is not one of ours, has expired, or names no connection (a
     * token of a gateway from before resume tokens were bound to their connection).
     */
    public Claims verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
                    || !TYPE.equals(jwt.getHeader().getType())
                    || !jwt.verify(verifier)) {
                return null;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            if (exp == null
                    || exp.getTime() < System.currentTimeMillis()
                    || !List.of(AUDIENCE).equals(claims.getAudience())) {
                return null;
            }
            String connectionId = claims.getStringClaim(CONNECTION_CLAIM);
            if (claims.getSubject() == null || connectionId == null || claims.getJWTID() == null) {
                return null;
            }
            return new Claims(claims.getSubject(), connectionId, claims.getJWTID());
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return null;
        }
    }

    private static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
