package roomgate.gateway.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Resume tokens: a participant id signed with a key all gateways share (made once per cluster), so
 * a client that lost its connection can take its seats back through any gateway, and nobody can
 * forge a token for someone else's seat. No lookup: the token carries the id.
 */
public final class ResumeTokens {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    public ResumeTokens(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("resume key: " + key.length + " bytes (expected: >= 16)");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    public String issue(String participantId) {
        return participantId + "." + sign(participantId);
    }

    /** The participant id a token stands for, or null if it is not one of ours. */
    public String verify(String token) {
        int dot = token.lastIndexOf('.');
        if (dot <= 0) {
            return null;
        }
        String participantId = token.substring(0, dot);
        byte[] expected = sign(participantId).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? participantId : null;
    }

    private String sign(String participantId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(participantId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
