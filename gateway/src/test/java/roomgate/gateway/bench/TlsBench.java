package roomgate.gateway.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.gateway.auth.DevTokens;
import roomgate.gateway.tls.TestCertificates;
import roomgate.testsupport.bench.BenchCluster;

/**
 * What TLS costs the client port: one game node and, in turn, a gateway with a plain port, with TLS
 * by the JDK and with TLS by OpenSSL (BoringSSL, netty-tcnative), each a JVM of its own from the
 * runnable jars, on 127.0.0.1. For each: connections per second (TCP, TLS handshake, WebSocket
 * upgrade, one ping answered, close; {@code --concurrency} at once) and messages per second
 * ({@code --connections} open WebSockets, each sending a ping as soon as the last pong arrives: the
 * gateway answers pings itself, so this measures the client port and not the nodes). The client side
 * always uses OpenSSL, so only the gateway's provider changes between rows. Prints one table.
 *
 * <p>{@code --auth both} (the default) measures each port twice: without client tokens ({@code --auth
 * none}) and with them ({@code --auth jwt}, an HS256 token in the upgrade's {@code access_token}), so
 * the difference is the cost of verifying a token per connection. {@code --auth none|jwt}: one only.
 */
public final class TlsBench {
    private final Path logDir;
    /** The node and at most 6 gateways (3 ports, each without and with token checks), one after another. */
    private final BenchCluster cluster;

    private TlsBench(Path repo) throws Exception {
        this.logDir = repo.resolve("gateway/target/tls-bench");
        this.cluster = new BenchCluster(repo, logDir, "tls-bench-", 7);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>(Map.of(
                "repo", ".", "seconds", "10", "warmup", "3", "connections", "50", "concurrency", "64", "auth", "both"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !flags.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown flag " + args[i] + " (known: " + flags.keySet() + ")");
            }
            flags.put(args[i].substring(2), args[i + 1]);
        }
        TlsBench bench =
                new TlsBench(Path.of(flags.get("repo")).toAbsolutePath().normalize());
        try {
            bench.run(
                    Integer.parseInt(flags.get("seconds")),
                    Integer.parseInt(flags.get("warmup")),
                    Integer.parseInt(flags.get("connections")),
                    Integer.parseInt(flags.get("concurrency")),
                    flags.get("auth"));
        } finally {
            bench.cluster.close();
        }
    }

    private void run(int seconds, int warmup, int connections, int concurrency, String auth) throws Exception {
        Path cert = logDir.resolve("bench.crt");
        Path key = logDir.resolve("bench.key");
        TestCertificates.create(logDir, "bench", cert, key);
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        Path adminToken =
                Files.writeString(logDir.resolve("admin-token"), HexFormat.of().formatHex(secret));
        System.out.printf(
                "TLS benchmark: 1 node + 1 gateway on 127.0.0.1, %d cores; %d s per figure after %d s warm-up;"
                        + " messages: %d connections, ping/pong closed loop; connections: %d at once%n",
                Runtime.getRuntime().availableProcessors(), seconds, warmup, connections, concurrency);
        // The link secret every process of the run shares, and the HS256 key the jwt rows' tokens are signed with.
        new SecureRandom().nextBytes(secret);
        Path linkSecret =
                Files.writeString(logDir.resolve("link-secret"), HexFormat.of().formatHex(secret));
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        // The gateway reads the key file as text (as `openssl rand -hex 32` writes it): its bytes are the key.
        String hs256 = HexFormat.of().formatHex(random);
        Path hs256Key = Files.writeString(logDir.resolve("hs256.key"), hs256);
        String token = new DevTokens(hs256.getBytes(StandardCharsets.UTF_8), "roomgate")
                .mint("bench-player", Duration.ofHours(1));
        cluster.start(
                "node",
                "game-node/target/roomgate-node.jar",
                "-Xmx512m",
                0,
                List.of("--node-id", "bench-node", "--link-secret-file", linkSecret.toString()));
        SslContext clientTls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
        System.out.printf(
                "%n%-14s %-6s %14s %16s %12s %16s%n",
                "gateway port", "auth", "connections/s", "CPU us/connection", "messages/s", "CPU us/message");
        String[][] rows = {{"plain", null}, {"tls-jdk", "jdk"}, {"tls-openssl", "openssl"}};
        // "both": each port without token checks (--auth none) and with them (--auth jwt, HS256, the
        // token in the upgrade's access_token): the second row's extra CPU is the check's cost.
        List<String> modes = auth.equals("both") ? List.of("none", "jwt") : List.of(auth);
        int member = 1;
        for (String[] row : rows) {
            for (String mode : modes) {
                List<String> args = new ArrayList<>(List.of(
                        "--gateway-id", "bench-" + row[0],
                        "--port", "0",
                        "--admin-port", "0",
                        "--io-threads", "1",
                        "--rate-per-second", "1000000",
                        "--rate-burst", "1000000",
                        "--admin-token-file", adminToken.toString(),
                        "--link-secret-file", linkSecret.toString(),
                        "--auth", mode));
                if (mode.equals("jwt")) {
                    args.addAll(List.of("--auth-hs256-key-file", hs256Key.toString()));
                }
                if (row[1] != null) {
                    args.addAll(List.of(
                            "--tls-cert-file",
                            cert.toString(),
                            "--tls-key-file",
                            key.toString(),
                            "--tls-provider",
                            row[1]));
                }
                BenchCluster.Service started = cluster.start(
                        "gateway-" + row[0], "gateway/target/roomgate-gateway.jar", "-Xmx1g", member++, args);
                Map<String, String> ready = started.ready();
                Process gateway = started.process();
                if (row[1] != null && !row[1].equals(ready.get("tls"))) {
                    throw new IllegalStateException(
                            "asked for " + row[1] + " TLS, the gateway uses " + ready.get("tls"));
                }
                URI uri = URI.create((row[1] == null ? "ws" : "wss") + "://127.0.0.1:" + ready.get("port") + "/ws"
                        + (mode.equals("jwt") ? "?access_token=" + token : ""));
                SslContext tls = row[1] == null ? null : clientTls;
                double[] perSecond = connectionsPerSecond(uri, tls, concurrency, warmup, seconds, gateway);
                double[] messages = messagesPerSecond(uri, tls, connections, warmup, seconds, gateway);
                System.out.printf(
                        "%-14s %-6s %14.0f %16.0f %12.0f %16.1f%n",
                        row[0], mode, perSecond[0], perSecond[1], messages[0], messages[1]);
                gateway.destroy(); // SIGTERM to the process this benchmark started
                gateway.waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.out.printf("(CPU: the gateway JVM's CPU time in the measurement window, per connection or message)%n");
    }

    /** Whole connections a second: connect, (TLS,) upgrade, one ping answered, close. */
    private static double[] connectionsPerSecond(
            URI uri, SslContext tls, int concurrency, int warmup, int seconds, Process gateway) throws Exception {
        AtomicLong done = new AtomicLong();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Bootstrap bootstrap = bootstrap(group, uri, tls, done, false, new CountDownLatch(0));
            for (int i = 0; i < concurrency; i++) {
                churn(bootstrap, uri);
            }
            return measure(done, warmup, seconds, gateway);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One connection after another, forever (until the group stops). */
    private static void churn(Bootstrap bootstrap, URI uri) {
        bootstrap.connect(uri.getHost(), uri.getPort()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                f.channel().eventLoop().schedule(() -> churn(bootstrap, uri), 10, TimeUnit.MILLISECONDS);
                return;
            }
            Channel channel = f.channel();
            channel.closeFuture().addListener(c -> {
                if (!channel.eventLoop().isShuttingDown()) {
                    churn(bootstrap, uri);
                }
            });
        });
    }

    /** Pongs a second over {@code connections} WebSockets, each in a closed loop. */
    private static double[] messagesPerSecond(
            URI uri, SslContext tls, int connections, int warmup, int seconds, Process gateway) throws Exception {
        AtomicLong done = new AtomicLong();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            CountDownLatch upgraded = new CountDownLatch(connections);
            Bootstrap bootstrap = bootstrap(group, uri, tls, done, true, upgraded);
            for (int i = 0; i < connections; i++) {
                bootstrap.connect(uri.getHost(), uri.getPort()).sync();
            }
            // Every WebSocket up (TLS handshakes done) before the warm-up: the window counts messages only.
            if (!upgraded.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        upgraded.getCount() + " of " + connections + " WebSockets not up in 120 s");
            }
            return measure(done, warmup, seconds, gateway);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** {completed per second, gateway CPU microseconds per completed} over the window. */
    private static double[] measure(AtomicLong done, int warmup, int seconds, Process gateway) throws Exception {
        TimeUnit.SECONDS.sleep(warmup); // a benchmark's fixed warm-up, not a wait for a condition
        long before = done.get();
        double cpuBefore = cpuSeconds(gateway);
        long start = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds); // the measurement window itself
        long completed = done.get() - before;
        double cpu = cpuSeconds(gateway) - cpuBefore;
        return new double[] {
            completed / ((System.nanoTime() - start) / 1e9), completed == 0 ? Double.NaN : cpu * 1e6 / completed
        };
    }

    private static Bootstrap bootstrap(
            EventLoopGroup group, URI uri, SslContext tls, AtomicLong done, boolean keep, CountDownLatch upgraded) {
        return new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                // Closed with a reset: thousands of connections a second must not fill the port range with TIME_WAIT.
                .option(ChannelOption.SO_LINGER, 0)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls != null) {
                            p.addLast(tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                        }
                        p.addLast(new HttpClientCodec());
                        p.addLast(new HttpObjectAggregator(65536));
                        p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                .webSocketUri(uri)
                                .version(WebSocketVersion.V13)
                                .customHeaders(new DefaultHttpHeaders())
                                .handleCloseFrames(true)
                                .build()));
                        p.addLast(new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt
                                        == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                                .HANDSHAKE_COMPLETE) {
                                    upgraded.countDown();
                                    ping(ctx);
                                }
                                ctx.fireUserEventTriggered(evt);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // a connection cut when the benchmark stops its clients
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                                if (!frame.text().contains("\"pong\"")) {
                                    return; // the session's first message
                                }
                                done.incrementAndGet();
                                if (keep) {
                                    ping(ctx);
                                } else {
                                    ctx.close();
                                }
                            }
                        });
                    }
                });
    }

    private static void ping(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new TextWebSocketFrame("{\"ping\":{\"clientTimeMs\":\"1\"}}"));
    }

    private static double cpuSeconds(Process process) throws Exception {
        return BenchCluster.cpuTicks(process.pid()) / 100.0; // ticks are 1/100 s on Linux
    }
}
