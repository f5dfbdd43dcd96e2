package roomgate.gateway.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a PEM private key belongs to a certificate before the pair is used: a signature made
 * with the key must verify with the certificate's public key. Without it a key file replaced a
 * moment after its certificate would make every new handshake fail until the next reload.
 */
final class PemKeys {
    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemKeys() {}

    /** @throws IllegalArgumentException naming {@code keyFile} when the key is no PKCS#8 key of {@code cert} */
    static void requireMatch(byte[] pem, X509Certificate cert, Path keyFile) {
        Matcher m = PKCS8.matcher(new String(pem, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IllegalArgumentException("--tls-key-file " + keyFile
                    + ": expected an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----; convert with"
                    + " `openssl pkcs8 -topk8 -nocrypt`)");
        }
        String algorithm = cert.getPublicKey().getAlgorithm();
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            String scheme = switch (algorithm) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> algorithm; // Ed25519, Ed448 sign as themselves
            };
            byte[] probe = "roomgate key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(scheme);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(scheme);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(
                        "--tls-key-file " + keyFile + ": the key is not the one of the certificate (serial "
                                + cert.getSerialNumber().toString(16) + ")");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            if (e instanceof IllegalArgumentException && e.getMessage().startsWith("--tls-key-file")) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException(
                    "--tls-key-file " + keyFile + ": not a " + algorithm + " key of the certificate (" + e.getMessage()
                            + ")",
                    e);
        }
    }
}
