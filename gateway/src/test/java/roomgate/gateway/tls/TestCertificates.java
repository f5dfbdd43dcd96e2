package roomgate.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made at test time by the JDK's keytool (no key material in the
 * repository), written as the PEM files the gateway reads: the certificate and a PKCS#8 key.
 */
public final class TestCertificates {
    private TestCertificates() {}

    /** A new key pair and certificate for localhost in {@code dir}; returns its serial number. */
    public static BigInteger create(Path dir, String name, Path certFile, Path keyFile)
            throws IOException, InterruptedException, GeneralSecurityException {
        Path store = dir.resolve(name + "-" + System.nanoTime() + ".p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "gw",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        new String(password),
                        "-keypass",
                        new String(password)))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        X509Certificate cert = (X509Certificate) keys.getCertificate("gw");
        PrivateKey key = (PrivateKey) keys.getKey("gw", password);
        Files.delete(store);
        // Written to temporary names and moved, as a renewal would, so a watcher never reads half a file.
        Path certTmp = Files.writeString(dir.resolve(name + ".crt.tmp"), pem("CERTIFICATE", cert.getEncoded()));
        Path keyTmp = Files.writeString(dir.resolve(name + ".key.tmp"), pem("PRIVATE KEY", key.getEncoded()));
        Files.move(keyTmp, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(certTmp, certFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return cert.getSerialNumber();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
