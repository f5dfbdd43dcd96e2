package roomgate.gateway.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.List;

/**
 * Resume tokens: the participant (player) id of a connection, with an expiry, signed (HS256, by
 * nimbus-jose-jwt) with the session key every gateway of a cluster reads from its own
 * {@code --session-key-file}. A client that lost its connection takes its seats back through any
 * gateway with it; with client identities on, only the same player may use it (the session handler
 * checks). The gateway issues a fresh one while the connection is in use, so the token a client holds
 * when it is cut off is at most {@link #ttl()} old.
 */
public final class ResumeTokens {
    private static final String AUDIENCE = "roomgate-resume";
    private static final JOSEObjectType TYPE = new JOSEObjectType("roomgate-resume+jwt");

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Duration ttl;

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

    public String issue(String participantId) {
        long now = System.currentTimeMillis();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).type(TYPE).build(),
                new JWTClaimsSet.Builder()
                        .subject(participantId)
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

    /** The participant id a token stands for, or null if it is not one of ours or has expired. */
    public String verify(String token) {
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
            return claims.getSubject();
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return null;
        }
    }
}
