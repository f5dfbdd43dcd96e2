package roomgate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.OpenSsl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import roomgate.gateway.config.GatewayConfig.Tls;
import roomgate.gateway.config.GatewayConfig.TlsProvider;

/**
 * The client port's TLS on a real socket: the certificate from PEM files, and a renewal picked up by
 * the file watch for new connections while a connection opened before it keeps working.
 */
class ServerTlsTest {
    @TempDir
    Path dir;

    private EventLoopGroup group;
    private Channel server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully().syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aRenewedCertificateGoesToNewConnectionsWhileAnOpenOneGoesOn(TlsProvider provider) throws Exception {
        if (provider == TlsProvider.OPENSSL) {
            assertThat(OpenSsl.isAvailable())
                    .as("netty-tcnative loads here: %s", OpenSsl.unavailabilityCause())
                    .isTrue();
        }
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        BigInteger first = TestCertificates.create(dir, "first", cert, key);
        ServerTls tls = ServerTls.load(new Tls(cert, key, provider));
        assertThat(tls.provider()).isEqualTo(provider.name().toLowerCase(java.util.Locale.ROOT));
        int port = serve(tls);
        CertificateWatcher watcher =
                CertificateWatcher.start(tls, cert, key, Duration.ofMillis(200), Duration.ofSeconds(30));
        try (SSLSocket old = connect(port)) {
            assertThat(serialOf(old)).isEqualTo(first);
            assertThat(get(old)).isEqualTo("HTTP/1.1 200 OK");

            BigInteger second = TestCertificates.create(dir, "second", cert, key);
            assertThat(second).isNotEqualTo(first);
            await().atMost(Duration.ofSeconds(30)).until(() -> tls.serial().equals(second));
            try (SSLSocket fresh = connect(port)) {
                assertThat(serialOf(fresh)).isEqualTo(second);
                assertThat(get(fresh)).isEqualTo("HTTP/1.1 200 OK");
            }
            // The connection from before the renewal was neither dropped nor renegotiated.
            assertThat(get(old)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(serialOf(old)).isEqualTo(first);
        } finally {
            watcher.close();
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtStartAndKeepsTheOldOneOnReload() throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        BigInteger first = TestCertificates.create(dir, "first", cert, key);
        ServerTls tls = ServerTls.load(new Tls(cert, key, TlsProvider.JDK));
        Path otherCert = dir.resolve("other.crt");
        Path otherKey = dir.resolve("other.key");
        TestCertificates.create(dir, "other", otherCert, otherKey);

        assertThatThrownBy(() -> ServerTls.load(new Tls(cert, otherKey, TlsProvider.JDK)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--tls-key-file")
                .hasMessageContaining("not the one of the certificate");
        // Half a renewal: a new key beside the old certificate. New connections keep the old pair.
        Files.copy(otherKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(tls.reload()).isFalse();
        assertThat(tls.serial()).isEqualTo(first);
        int port = serve(tls);
        try (SSLSocket socket = connect(port)) {
            assertThat(serialOf(socket)).isEqualTo(first);
        }
        // The renewal completes: its certificate arrives, and the pair is taken.
        Files.copy(otherCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(tls.reload()).isTrue();
        assertThat(tls.reload()).as("the same files again: no change").isFalse();
    }

    @Test
    void aMissingFileOrAKeyThatIsNoPemKeyIsACleanError() throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        TestCertificates.create(dir, "first", cert, key);
        assertThatThrownBy(() -> ServerTls.load(new Tls(dir.resolve("nope.crt"), key, TlsProvider.JDK)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.crt");
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ServerTls.load(new Tls(cert, key, TlsProvider.JDK)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PKCS#8");
    }

    private int serve(ServerTls tls) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(tls.newHandler(ch.alloc()))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(4096))
                                .addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                        DefaultFullHttpResponse response = new DefaultFullHttpResponse(
                                                HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK,
                                                Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                                        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                                        ctx.writeAndFlush(response);
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A TLS client that accepts any certificate: the test reads which one it was given. */
    private static SSLSocket connect(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                new SecureRandom());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private static BigInteger serialOf(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    /** One keep-alive GET on the socket; returns the status line. */
    private static String get(SSLSocket socket) throws Exception {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            // headers
        }
        char[] body = new char[2];
        int read = 0;
        while (read < 2) {
            read += in.read(body, read, 2 - read);
        }
        return status;
    }
}
