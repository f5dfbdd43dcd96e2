package roomgate.gateway.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.archive.ArchiveSettings;
import roomgate.cluster.HazelcastSettings;
import roomgate.gateway.auth.AuthSettings;
import roomgate.runtime.Flags;
import roomgate.runtime.net.Transport;
import roomgate.wire.link.LinkSettings;

/** Everything a gateway is told at start-up; built once in {@link GatewayMain} from flags and environment. */
public record GatewayConfig(
        String gatewayId,
        String host,
        int port,
        int ioThreads,
        int maxFrameBytes,
        int ratePerSecond,
        int rateBurst,
        String adminHost,
        int adminPort,
        int clientSendBufferBytes,
        HazelcastSettings hazelcast,
        Recording recording,
        ClientLimits limits,
        ArchiveSettings archive,
        LinkSettings link,
        AuthSettings auth,
        Edge edge,
        Transport transport) {

    static final List<String> FLAGS = List.of(
            "gateway-id",
            "host",
            "port",
            "io-threads",
            "max-frame-bytes",
            "rate-per-second",
            "rate-burst",
            "admin-host",
            "admin-port",
            "client-send-buffer-bytes",
            "record-rooms",
            "record-file",
            "output-budget-bytes",
            "http-timeout-seconds",
            "ping-interval-seconds",
            "idle-timeout-seconds",
            "max-connections",
            "max-connections-per-address",
            "max-fragments",
            "max-malformed",
            "max-display-name-chars",
            "max-chat-chars",
            "max-rooms-per-connection",
            "max-topics-per-connection",
            "archive-jdbc-url",
            "archive-credentials-file",
            // The link's handshake and liveness (LinkSettings): the same four flags on nodes and gateways.
            "link-auth",
            "link-secret-file",
            "link-heartbeat-ms",
            "link-timeout-ms",
            "tls-cert-file",
            "tls-key-file",
            "tls-provider",
            "allowed-origins",
            "admin-token-file",
            Transport.FLAG);

    /**
     * What one client connection may cost the gateway, whatever it sends: the bytes queued for it, how
     * long its HTTP request and its silences may last, how many connections there are, how many
     * fragments and malformed messages it may send, how long its names and chat lines may be, and how
     * many rooms (also the room ids of one {@code resume}) and feed topics it may hold.
     */
    public record ClientLimits(
            int outputBudgetBytes,
            int httpTimeoutSeconds,
            int pingIntervalSeconds,
            int idleTimeoutSeconds,
            int maxConnections,
            int maxConnectionsPerAddress,
            int maxFragments,
            int maxMalformed,
            int maxDisplayNameChars,
            int maxChatChars,
            int maxRoomsPerConnection,
            int maxTopicsPerConnection) {

        /** The defaults, as {@link #fromArgs} sets them without flags. */
        public static ClientLimits defaults() {
            return of(Flags.parse(new String[0], Map.of(), Set.copyOf(FLAGS)));
        }

        static ClientLimits of(Flags flags) {
            return new ClientLimits(
                    // Today's mute threshold: a client may fall 4 MiB behind before it is cut off.
                    flags.getInt("output-budget-bytes", 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
                    // A GET with headers takes milliseconds; 10 s is generous for a slow network.
                    flags.getInt("http-timeout-seconds", 10, 1, 3600),
                    flags.getInt("ping-interval-seconds", 20, 1, 3600),
                    // 0: never close a silent client (only for tools that cannot answer pings).
                    flags.getInt("idle-timeout-seconds", 60, 0, 86_400),
                    // Well below a usual open-files limit, so that a flood of sockets cannot take the
                    // descriptors the node links and Hazelcast need.
                    flags.getInt("max-connections", 10_000, 1, 10_000_000),
                    // High enough for the benchmarks' 6,000 sockets from one load generator; lower it
                    // when clients reach the gateway directly rather than through a proxy.
                    flags.getInt("max-connections-per-address", 8_192, 1, 10_000_000),
                    flags.getInt("max-fragments", 64, 1, 1_000_000),
                    flags.getInt("max-malformed", 10, 1, 1_000_000),
                    flags.getInt("max-display-name-chars", 64, 1, 4096),
                    // The node's own limit on chat text.
                    flags.getInt("max-chat-chars", 500, 1, 16 * 1024),
                    // A person plays a few games at once, a lobby watches a few dozen; each room costs
                    // a node a seat and some KB kept through the reconnect grace.
                    flags.getInt("max-rooms-per-connection", 32, 1, 100_000),
                    // Each topic costs a conflation slot and maybe an upstream subscription.
                    flags.getInt("max-topics-per-connection", 256, 1, 100_000));
        }
    }

    /**
     * Who may reach what: TLS on the client port (null: plain), the browser origins allowed to open a
     * WebSocket besides same-origin ones (lower case {@code scheme://host[:port]}), and the file
     * holding the admin API's bearer token (required by {@code GatewayMain}; null here when not given).
     */
    public record Edge(Tls tls, List<String> allowedOrigins, Path adminTokenFile) {}

    /** PEM certificate chain and PKCS#8 key files for the client port, and the TLS implementation. */
    public record Tls(Path certFile, Path keyFile, TlsProvider provider) {}

    /** {@code --tls-provider}: the JDK's own TLS, or BoringSSL through netty-tcnative. */
    public enum TlsProvider {
        JDK,
        OPENSSL
    }

    /** What to record (--record-rooms, a {@code RoomPattern}) and where (--record-file); null when off. */
    public record Recording(String roomPattern, Path file) {}

    public static GatewayConfig fromArgs(String[] args, Map<String, String> env) {
        Set<String> known = new HashSet<>(FLAGS);
        known.addAll(HazelcastSettings.FLAGS);
        known.addAll(AuthSettings.FLAGS);
        Flags flags = Flags.parse(args, env, known);
        return new GatewayConfig(
                flags.get("gateway-id", "gw-" + ProcessHandle.current().pid()),
                flags.get("host", "127.0.0.1"),
                flags.getInt("port", 8080, 0, 65535),
                // One loop per core: a room's clients then spread over fewer loops, so its events cross fewer
                // node links (measured on 2 cores: more throughput and less CPU per message than 2 per core).
                flags.getInt("io-threads", Runtime.getRuntime().availableProcessors(), 1, 256),
                flags.getInt("max-frame-bytes", 16 * 1024, 256, 16 * 1024 * 1024),
                flags.getInt("rate-per-second", 100, 1, 1_000_000),
                flags.getInt("rate-burst", 200, 1, 1_000_000),
                flags.get("admin-host", "127.0.0.1"),
                flags.getInt("admin-port", 8081, 0, 65535),
                // 0: the OS default, which on Linux grows a slow reader's socket buffer up to
                // tcp_wmem's max (4 MiB): megabytes of stale prices queued before conflation starts.
                flags.getInt("client-send-buffer-bytes", 0, 0, 64 * 1024 * 1024),
                HazelcastSettings.fromFlags(flags),
                recording(flags.get("record-rooms", null), flags.get("record-file", null)),
                ClientLimits.of(flags),
                // The same database, and the same way to name it, as the nodes: GET /games reads what they write.
                ArchiveSettings.resolve(
                        flags.get("archive-jdbc-url", null), flags.get("archive-credentials-file", null), env),
                LinkSettings.of(
                        flags.get("link-auth", null),
                        flags.get("link-secret-file", null),
                        flags.getInt("link-heartbeat-ms", LinkSettings.DEFAULT_HEARTBEAT_MILLIS, 50, 600_000),
                        flags.getInt("link-timeout-ms", LinkSettings.DEFAULT_TIMEOUT_MILLIS, 100, 3_600_000)),
                AuthSettings.of(flags),
                edge(flags),
                // Epoll unless told otherwise (Transport.best() says why not io_uring).
                Transport.fromFlag(flags.get(Transport.FLAG, Transport.AUTO)));
    }

    private static Edge edge(Flags flags) {
        String cert = flags.get("tls-cert-file", null);
        String key = flags.get("tls-key-file", null);
        // OpenSSL by default: measured (bench/tls/run.sh) at several times less gateway CPU per
        // handshake and per message than the JDK's TLS; ServerTls falls back to the JDK's if it cannot load.
        String provider = flags.get("tls-provider", "openssl");
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert-file and --tls-key-file go together (got: --tls-cert-file "
                    + cert + ", --tls-key-file " + key + ")");
        }
        TlsProvider tlsProvider = switch (provider) {
            case "jdk" -> TlsProvider.JDK;
            case "openssl" -> TlsProvider.OPENSSL;
            default ->
                throw new IllegalArgumentException("--tls-provider: '" + provider + "' (expected: jdk or openssl)");
        };
        Tls tls = cert == null ? null : new Tls(Path.of(cert), Path.of(key), tlsProvider);
        String tokenFile = flags.get("admin-token-file", null);
        return new Edge(
                tls,
                allowedOrigins(flags.get("allowed-origins", "")),
                tokenFile == null || tokenFile.isBlank() ? null : Path.of(tokenFile));
    }

    /** {@code --allowed-origins}: comma-separated {@code scheme://host[:port]}, as browsers send Origin. */
    static List<String> allowedOrigins(String value) {
        List<String> origins = new java.util.ArrayList<>();
        for (String raw : value.split(",")) {
            String origin = raw.strip().toLowerCase(java.util.Locale.ROOT);
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.matches("(https?)://[a-z0-9.\\-\\[\\]:]+")) {
                throw new IllegalArgumentException("--allowed-origins: '" + raw.strip()
                        + "' (expected: comma-separated origins such as https://play.example.com or"
                        + " http://localhost:3000, no path)");
            }
            origins.add(origin);
        }
        return List.copyOf(origins);
    }

    private static Recording recording(String rooms, String file) {
        if (rooms == null && file == null) {
            return null;
        }
        if (rooms == null || file == null || rooms.isBlank() || file.isBlank()) {
            throw new IllegalArgumentException("--record-rooms and --record-file go together (got: --record-rooms "
                    + rooms + ", --record-file " + file + ")");
        }
        return new Recording(rooms, Path.of(file));
    }
}
