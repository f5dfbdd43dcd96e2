package roomgate.gateway.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.gateway.config.GatewayConfig.Tls;
import roomgate.gateway.config.GatewayConfig.TlsProvider;

/**
 * TLS for the client port, from a PEM certificate chain and a PKCS#8 PEM key. Each new connection
 * gets an {@link SslHandler} from the context in use when it is accepted; {@link #reload} swaps in a
 * context built from the files as they are now, so new connections get the new certificate while
 * the connections already open keep the session they negotiated (an SslHandler never looks at the
 * context again after it is made). A reload that fails (a file missing, half written, a key that is
 * not the certificate's) keeps the old context and says why.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final Tls files;
    private final SslProvider provider;
    private final AtomicReference<Loaded> current = new AtomicReference<>();

    /** What one load produced, with the bytes it came from (a reload of the same bytes is no change). */
    private record Loaded(SslContext context, byte[] cert, byte[] key, BigInteger serial) {}

    private ServerTls(Tls files, SslProvider provider) {
        this.files = files;
        this.provider = provider;
    }

    /**
     * Loads the files with the provider asked for. OpenSSL (BoringSSL, netty-tcnative) is used when
     * its native library loads on this machine; otherwise the JDK's TLS is, with a warning.
     *
     * @throws IllegalArgumentException naming the file when the certificate or key cannot be used
     */
    public static ServerTls load(Tls files) {
        SslProvider provider = SslProvider.JDK;
        if (files.provider() == TlsProvider.OPENSSL) {
            if (OpenSsl.isAvailable()) {
                provider = SslProvider.OPENSSL;
            } else {
                log.warn(
                        "--tls-provider openssl: netty-tcnative is not available here ({}); using the JDK's TLS",
                        String.valueOf(OpenSsl.unavailabilityCause()));
            }
        }
        ServerTls tls = new ServerTls(files, provider);
        tls.current.set(tls.read());
        return tls;
    }

    /** A handler for one new connection, from the certificate in use now. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return current.get().context().newHandler(alloc);
    }

    /** "jdk" or "openssl": the implementation in use (for the ready line). */
    public String provider() {
        return provider == SslProvider.OPENSSL ? "openssl" : "jdk";
    }

    /** The serial number of the certificate new connections get. */
    public BigInteger serial() {
        return current.get().serial();
    }

    /**
     * Reads the files again and, if they changed and make a usable context, uses it for new
     * connections.
     *
     * @return whether new connections now get a different certificate
     */
    public synchronized boolean reload() {
        Loaded before = current.get();
        try {
            byte[] cert = Files.readAllBytes(files.certFile());
            byte[] key = Files.readAllBytes(files.keyFile());
            if (Arrays.equals(cert, before.cert()) && Arrays.equals(key, before.key())) {
                return false;
            }
            Loaded after = build(cert, key);
            current.set(after);
            log.info(
                    "TLS certificate reloaded from {}: serial {} -> {} (open connections keep theirs)",
                    files.certFile(),
                    before.serial().toString(16),
                    after.serial().toString(16));
            return true;
        } catch (IOException | IllegalArgumentException e) {
            log.warn(
                    "TLS certificate not reloaded, serial {} stays in use: {}",
                    before.serial().toString(16),
                    e.getMessage());
            return false;
        }
    }

    private Loaded read() {
        try {
            return build(Files.readAllBytes(files.certFile()), Files.readAllBytes(files.keyFile()));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--tls-cert-file " + files.certFile() + " / --tls-key-file " + files.keyFile() + ": cannot read ("
                            + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    e);
        }
    }

    private Loaded build(byte[] cert, byte[] key) {
        X509Certificate leaf;
        try {
            leaf = (X509Certificate)
                    CertificateFactory.getInstance("X.509")
                            .generateCertificates(new ByteArrayInputStream(cert))
                            .stream()
                            .findFirst()
                            .orElseThrow(() -> new CertificateException("no certificate in the file"));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("--tls-cert-file " + files.certFile() + ": " + e.getMessage(), e);
        }
        PemKeys.requireMatch(key, leaf, files.keyFile());
        try {
            SslContext context = SslContextBuilder.forServer(
                            new ByteArrayInputStream(cert), new ByteArrayInputStream(key))
                    .sslProvider(provider)
                    .build();
            return new Loaded(context, cert, key, leaf.getSerialNumber());
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--tls-cert-file " + files.certFile() + " / --tls-key-file " + files.keyFile() + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
