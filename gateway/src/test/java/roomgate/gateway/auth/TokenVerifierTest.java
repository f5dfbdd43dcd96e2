package roomgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roomgate.protocol.v1.ErrorCode;

class TokenVerifierTest {
    private static final byte[] SECRET = "a development secret of more than 32 bytes".getBytes(StandardCharsets.UTF_8);
    private static final String AUD = "roomgate";
    private static RSAKey rsaOld;
    private static RSAKey rsaNew;
    private static ECKey ec;
    private static JWKSet published;

    @BeforeAll
    static void keys(@TempDir Path dir) throws Exception {
        rsaOld = new RSAKeyGenerator(2048).keyID("rsa-2025").generate();
        rsaNew = new RSAKeyGenerator(2048).keyID("rsa-2026").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        // Written with the private parts, as a careless operator might: only the public ones are kept.
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, new JWKSet(List.of(rsaOld, rsaNew, ec)).toString(false));
        published = KeyFiles.publicKeys(file, "auth-jwks-file");
        assertThat(published.getKeys()).allMatch(k -> !k.isPrivate());
    }

    private static JWTClaimsSet.Builder claims(String sub) {
        return new JWTClaimsSet.Builder()
                .subject(sub)
                .audience(AUD)
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static TokenVerifier both() {
        return new TokenVerifier(SECRET, published, AUD, Duration.ofSeconds(30));
    }

    private static ErrorCode refusal(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return null;
        } catch (AuthFailure failure) {
            return failure.code();
        }
    }

    @Test
    void aGoodHs256TokenNamesItsPlayer() throws Exception {
        Identity who = both().verify(new DevTokens(SECRET, AUD).mint("alice", Duration.ofMinutes(5)));
        assertThat(who).isEqualTo(new Identity("alice", false, null, null));
    }

    @Test
    void rs256AndEs256TokensAreVerifiedWithTheKeyTheirKidNames() throws Exception {
        assertThat(both().verify(sign(
                                JWSAlgorithm.RS256,
                                "rsa-2025",
                                new RSASSASigner(rsaOld),
                                claims("bob").build()))
                        .playerId())
                .isEqualTo("bob");
        assertThat(both().verify(sign(
                                JWSAlgorithm.RS256,
                                "rsa-2026",
                                new RSASSASigner(rsaNew),
                                claims("bob").build()))
                        .playerId())
                .as("rotation: the new key next to the old one")
                .isEqualTo("bob");
        assertThat(both().verify(sign(
                                JWSAlgorithm.ES256,
                                "ec-1",
                                new ECDSASigner(ec),
                                claims("carol").build()))
                        .playerId())
                .isEqualTo("carol");
    }

    @Test
    void aBadSignatureIsRefused() throws Exception {
        String good = new DevTokens(SECRET, AUD).mint("alice", Duration.ofMinutes(5));
        String[] parts = good.split("\\.");
        // The same header and signature over another subject.
        String forged =
                parts[0] + "." + Base64URL.encode(claims("mallory").build().toString()) + "." + parts[2];
        assertThat(refusal(both(), forged)).isEqualTo(ErrorCode.UNAUTHENTICATED);
        String otherKey = new DevTokens("another secret, also more than 32 bytes".getBytes(StandardCharsets.UTF_8), AUD)
                .mint("alice", Duration.ofMinutes(5));
        assertThat(refusal(both(), otherKey)).isEqualTo(ErrorCode.UNAUTHENTICATED);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-2025").generate();
        assertThat(refusal(
                        both(),
                        sign(
                                JWSAlgorithm.RS256,
                                "rsa-2025",
                                new RSASSASigner(stranger),
                                claims("x").build())))
                .as("a key of its own under a published kid")
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void aKidThatIsNotPublishedOrNoKidIsRefused() throws Exception {
        assertThat(refusal(
                        both(),
                        sign(
                                JWSAlgorithm.RS256,
                                "rsa-1999",
                                new RSASSASigner(rsaOld),
                                claims("bob").build())))
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(refusal(
                        both(),
                        sign(
                                JWSAlgorithm.RS256,
                                null,
                                new RSASSASigner(rsaOld),
                                claims("bob").build())))
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void anExpiredTokenIsTokenExpiredButTheSkewIsAllowed() throws Exception {
        DevTokens dev = new DevTokens(SECRET, AUD);
        assertThat(refusal(both(), dev.mint("alice", Duration.ofMinutes(-5)))).isEqualTo(ErrorCode.TOKEN_EXPIRED);
        assertThat(refusal(both(), dev.mint("alice", Duration.ofSeconds(-10))))
                .as("10 s late, 30 s of skew allowed")
                .isNull();
    }

    @Test
    void anotherAudienceOrNoneIsRefused() throws Exception {
        assertThat(refusal(both(), new DevTokens(SECRET, "another-service").mint("alice", Duration.ofMinutes(5))))
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        JWTClaimsSet noAudience = new JWTClaimsSet.Builder()
                .subject("alice")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build();
        assertThat(refusal(both(), sign(JWSAlgorithm.HS256, null, new MACSigner(SECRET), noAudience)))
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void aTokenWithoutExpiryOrSubjectIsRefused() throws Exception {
        JWTClaimsSet noExpiry =
                new JWTClaimsSet.Builder().subject("alice").audience(AUD).build();
        assertThat(refusal(both(), sign(JWSAlgorithm.HS256, null, new MACSigner(SECRET), noExpiry)))
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        JWTClaimsSet noSubject = claims(null).build();
        assertThat(refusal(both(), sign(JWSAlgorithm.HS256, null, new MACSigner(SECRET), noSubject)))
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(refusal(
                        both(),
                        sign(
                                JWSAlgorithm.HS256,
                                null,
                                new MACSigner(SECRET),
                                claims("a b").build())))
                .as("a player id with a space")
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void algNoneIsRefused() {
        String unsigned = new PlainJWT(claims("alice").build()).serialize();
        assertThat(refusal(both(), unsigned)).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(refusal(both(), "not.a.jwt")).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(refusal(both(), "")).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void anHs256TokenKeyedWithAPublicKeyIsRefused() throws Exception {
        // The classic confusion: the public key, which anyone has, used as an HMAC secret.
        byte[] publicKey = rsaOld.toRSAPublicKey().getEncoded();
        String confused = sign(
                JWSAlgorithm.HS256,
                "rsa-2025",
                new MACSigner(publicKey),
                claims("mallory").build());
        assertThat(refusal(both(), confused)).isEqualTo(ErrorCode.UNAUTHENTICATED);
        TokenVerifier jwksOnly = new TokenVerifier(null, published, AUD, Duration.ofSeconds(30));
        assertThat(refusal(jwksOnly, confused)).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(refusal(jwksOnly, new DevTokens(SECRET, AUD).mint("alice", Duration.ofMinutes(5))))
                .as("no HS256 secret configured: no HS256 token at all")
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void restrictionsComeFromTheRoomgateClaim() throws Exception {
        String token = new DevTokens(SECRET, AUD)
                .mint(
                        "viewer",
                        Duration.ofMinutes(5),
                        Map.of(
                                "spectateOnly",
                                true,
                                "rooms",
                                List.of("final", "lobby-*"),
                                "topics",
                                List.of("stock.*")));
        assertThat(both().verify(token))
                .isEqualTo(new Identity("viewer", true, List.of("final", "lobby-*"), List.of("stock.*")));
        String wrongType = new DevTokens(SECRET, AUD).mint("viewer", Duration.ofMinutes(5), Map.of("rooms", "final"));
        assertThat(refusal(both(), wrongType)).isEqualTo(ErrorCode.UNAUTHENTICATED);
        String unknown = new DevTokens(SECRET, AUD).mint("viewer", Duration.ofMinutes(5), Map.of("admin", true));
        assertThatThrownBy(() -> both().verify(unknown))
                .isInstanceOf(AuthFailure.class)
                .hasMessageContaining("roomgate.admin");
    }
}
