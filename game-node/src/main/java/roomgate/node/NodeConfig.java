package roomgate.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.archive.ArchiveSettings;
import roomgate.cluster.HazelcastSettings;
import roomgate.runtime.Flags;
import roomgate.runtime.net.Transport;
import roomgate.wire.link.LinkSettings;

/** Everything a game node is told at start-up; built once in {@link NodeMain} from flags and environment. */
public record NodeConfig(
        String nodeId,
        String linkHost,
        int linkPort,
        int ioThreads,
        int roomStripes,
        Duration idleRoomTtl,
        Duration finishedGrace,
        Duration reconnectGrace,
        Durability durability,
        boolean drainOnSigterm,
        String metricsHost,
        int metricsPort,
        ArchiveSettings archive,
        Archiving archiving,
        HazelcastSettings hazelcast,
        LinkSettings link,
        Path adminTokenFile,
        Transport transport) {

    /** How the node writes its finished rooms to the archive. */
    public record Archiving(Duration interval, int batchSize, long backlogLimit) {}

    /** Where accepted room events are kept before clients hear of them. */
    public enum Durability {
        /** In the cluster (Hazelcast map, synchronous backup): survives the node. The default. */
        REPLICATED,
        /** In this JVM only: lost with the node. For measuring what replication costs. */
        MEMORY
    }

    static final List<String> FLAGS = List.of(
            "node-id",
            "link-host",
            "link-port",
            "io-threads",
            "room-stripes",
            "room-idle-unload",
            "finished-room-grace-seconds",
            "reconnect-grace-seconds",
            "durability",
            "drain-on-sigterm",
            "metrics-host",
            "metrics-port",
            "archive-jdbc-url",
            "archive-credentials-file",
            "archive-interval-ms",
            "archive-batch",
            "archive-backlog-limit",
            // The link's handshake and liveness (LinkSettings): the same four flags on nodes and gateways.
            "link-auth",
            "link-secret-file",
            "link-heartbeat-ms",
            "link-timeout-ms",
            "admin-token-file",
            Transport.FLAG);

    public static NodeConfig fromArgs(String[] args, Map<String, String> env) {
        Set<String> known = new HashSet<>(FLAGS);
        known.addAll(HazelcastSettings.FLAGS);
        Flags flags = Flags.parse(args, env, known);
        int cores = Runtime.getRuntime().availableProcessors();
        String durability = flags.get("durability", "replicated");
        String drain = flags.get("drain-on-sigterm", "true");
        if (!drain.equals("true") && !drain.equals("false")) {
            throw new IllegalArgumentException("--drain-on-sigterm: '" + drain + "' (expected: true or false)");
        }
        return new NodeConfig(
                flags.get("node-id", "node-" + ProcessHandle.current().pid()),
                flags.get("link-host", "127.0.0.1"),
                flags.getInt("link-port", 0, 0, 65535),
                flags.getInt("io-threads", cores, 1, 256),
                flags.getInt("room-stripes", cores, 1, 256),
                Duration.ofSeconds(flags.getInt("room-idle-unload", 300, 1, 86_400)),
                Duration.ofSeconds(flags.getInt("finished-room-grace-seconds", 60, 0, 86_400)),
                Duration.ofSeconds(flags.getInt("reconnect-grace-seconds", 30, 1, 3_600)),
                switch (durability) {
                    case "replicated" -> Durability.REPLICATED;
                    case "memory" -> Durability.MEMORY;
                    default ->
                        throw new IllegalArgumentException(
                                "--durability: '" + durability + "' (expected: replicated or memory)");
                },
                Boolean.parseBoolean(drain),
                flags.get("metrics-host", "127.0.0.1"),
                flags.getInt("metrics-port", 0, 0, 65535),
                ArchiveSettings.resolve(
                        flags.get("archive-jdbc-url", null), flags.get("archive-credentials-file", null), env),
                new Archiving(
                        Duration.ofMillis(flags.getInt("archive-interval-ms", 1_000, 10, 600_000)),
                        flags.getInt("archive-batch", 100, 1, 10_000),
                        flags.getInt("archive-backlog-limit", 100_000, 1, 100_000_000)),
                HazelcastSettings.fromFlags(flags),
                LinkSettings.of(
                        flags.get("link-auth", null),
                        flags.get("link-secret-file", null),
                        flags.getInt("link-heartbeat-ms", LinkSettings.DEFAULT_HEARTBEAT_MILLIS, 50, 600_000),
                        flags.getInt("link-timeout-ms", LinkSettings.DEFAULT_TIMEOUT_MILLIS, 100, 3_600_000)),
                // The operators' token for GET /rooms (null: that page is off; /metrics needs none).
                adminTokenFile(flags.get("admin-token-file", null)),
                Transport.fromFlag(flags.get(Transport.FLAG, Transport.AUTO)));
    }

    private static Path adminTokenFile(String file) {
        return file == null || file.isBlank() ? null : Path.of(file);
    }
}
