package roomgate.node;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.cluster.HazelcastSettings;
import roomgate.runtime.Flags;

/** Everything a game node is told at start-up; built once in {@link NodeMain} from flags and environment. */
public record NodeConfig(
        String nodeId,
        String linkHost,
        int linkPort,
        int ioThreads,
        int roomStripes,
        Duration idleRoomTtl,
        Duration reconnectGrace,
        Durability durability,
        boolean drainOnSigterm,
        String metricsHost,
        int metricsPort,
        HazelcastSettings hazelcast) {

    /** Where accepted room events are kept before clients hear of them. */
    public enum Durability {
        /** In the cluster (Hazelcast map, synchronous backup): survives the node. The default. */
        REPLICATED,
        /** In this JVM only: lost with the node. For measuring what replication costs. */
        MEMORY
    }

    static final List<String> FLAGS = List.of("node-id", "link-host", "link-port", "io-threads", "room-stripes",
            "idle-room-seconds", "reconnect-grace-seconds", "durability", "drain-on-sigterm", "metrics-host",
            "metrics-port");

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
                Duration.ofSeconds(flags.getInt("idle-room-seconds", 600, 1, 86_400)),
                Duration.ofSeconds(flags.getInt("reconnect-grace-seconds", 30, 1, 3_600)),
                switch (durability) {
                    case "replicated" -> Durability.REPLICATED;
                    case "memory" -> Durability.MEMORY;
                    default -> throw new IllegalArgumentException(
                            "--durability: '" + durability + "' (expected: replicated or memory)");
                },
                Boolean.parseBoolean(drain),
                flags.get("metrics-host", "127.0.0.1"),
                flags.getInt("metrics-port", 0, 0, 65535),
                HazelcastSettings.fromFlags(flags));
    }
}
