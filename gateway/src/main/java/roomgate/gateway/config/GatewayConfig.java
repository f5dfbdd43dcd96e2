package roomgate.gateway.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.archive.ArchiveSettings;
import roomgate.cluster.HazelcastSettings;
import roomgate.runtime.Flags;

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
        ArchiveSettings archive) {

    static final List<String> FLAGS = List.of("gateway-id", "host", "port", "io-threads", "max-frame-bytes",
            "rate-per-second", "rate-burst", "admin-host", "admin-port", "client-send-buffer-bytes", "record-rooms", "record-file",
            "archive-jdbc-url", "archive-credentials-file");

    /** What to record (--record-rooms, a {@code RoomPattern}) and where (--record-file); null when off. */
    public record Recording(String roomPattern, Path file) {}

    public static GatewayConfig fromArgs(String[] args, Map<String, String> env) {
        Set<String> known = new HashSet<>(FLAGS);
        known.addAll(HazelcastSettings.FLAGS);
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
                // The same database, and the same way to name it, as the nodes: GET /games reads what they write.
                ArchiveSettings.resolve(flags.get("archive-jdbc-url", null), flags.get("archive-credentials-file", null), env));
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
