package roomgate.node;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.cluster.HazelcastSettings;
import roomgate.startup.Flags;

/** Everything a game node is told at start-up; built once in {@link NodeMain} from flags and environment. */
public record NodeConfig(
        String nodeId,
        String linkHost,
        int linkPort,
        int ioThreads,
        int roomStripes,
        Duration idleRoomTtl,
        HazelcastSettings hazelcast,
        int wsPort) {

    static final List<String> FLAGS = List.of("node-id", "link-host", "link-port", "io-threads", "room-stripes",
            "idle-room-seconds", "ws-port");

    /** {@link #wsPort()} when the direct WebSocket listener is off. */
    public static final int WS_OFF = -1;

    public static NodeConfig fromArgs(String[] args, Map<String, String> env) {
        Set<String> known = new HashSet<>(FLAGS);
        known.addAll(HazelcastSettings.FLAGS);
        Flags flags = Flags.parse(args, env, known);
        int cores = Runtime.getRuntime().availableProcessors();
        return new NodeConfig(
                flags.get("node-id", "node-" + ProcessHandle.current().pid()),
                flags.get("link-host", "127.0.0.1"),
                flags.getInt("link-port", 0, 0, 65535),
                flags.getInt("io-threads", cores, 1, 256),
                flags.getInt("room-stripes", cores, 1, 256),
                Duration.ofSeconds(flags.getInt("idle-room-seconds", 600, 1, 86_400)),
                HazelcastSettings.fromFlags(flags),
                flags.getInt("ws-port", WS_OFF, WS_OFF, 65535));
    }

}
