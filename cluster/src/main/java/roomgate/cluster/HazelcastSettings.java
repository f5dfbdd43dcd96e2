package roomgate.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import roomgate.runtime.Flags;

/**
 * How a roomgate process joins the Hazelcast cluster: cluster name, where this member listens, whom
 * it asks to join, and how fast a silent member is declared dead. Game nodes and gateways build
 * their member {@link Config} from the same settings so that they always find each other.
 *
 * <p>Discovery is TCP/IP on loopback by default (multicast is off: it would find strangers'
 * clusters). Hazelcast's default heartbeat timeout is 60 s, far too slow for games; ours defaults
 * to 5 s. {@code quorumSize} is the smallest number of game nodes (Hazelcast counts data members
 * only, so gateways do not count) that may touch room records.
 */
public record HazelcastSettings(
        String clusterName,
        String host,
        int port,
        List<String> members,
        int heartbeatTimeoutSeconds,
        int heartbeatIntervalSeconds,
        int quorumSize) {

    public static final String DEFAULT_CLUSTER_NAME = "roomgate";
    public static final int DEFAULT_PORT = 5701;
    public static final int DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 5;
    /** How long a room record outlives its last use. */
    public static final int ROOM_RECORD_MAX_IDLE_SECONDS = 24 * 60 * 60;

    /** The flags read by {@link #fromFlags}; each main adds them to its own. */
    public static final List<String> FLAGS =
            List.of("cluster-name", "hz-host", "hz-port", "hz-members", "heartbeat-timeout-seconds", "quorum-size");

    public HazelcastSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(host, "host");
        members = List.copyOf(members);
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName: blank (expected: a name)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (quorumSize < 1) {
            throw new IllegalArgumentException("quorumSize: " + quorumSize + " (expected: >= 1)");
        }
        if (heartbeatIntervalSeconds < 1 || heartbeatTimeoutSeconds <= heartbeatIntervalSeconds) {
            throw new IllegalArgumentException("heartbeat: timeout " + heartbeatTimeoutSeconds + " s, interval "
                    + heartbeatIntervalSeconds + " s (expected: interval >= 1 and timeout > interval)");
        }
    }

    public static HazelcastSettings fromFlags(Flags flags) {
        String host = flags.get("hz-host", "127.0.0.1");
        int port = flags.getInt("hz-port", DEFAULT_PORT, 1, 65535);
        String members = flags.get("hz-members", host + ":" + DEFAULT_PORT + "-" + (DEFAULT_PORT + 9));
        return new HazelcastSettings(
                flags.get("cluster-name", DEFAULT_CLUSTER_NAME),
                host,
                port,
                List.of(members.split(",")),
                flags.getInt("heartbeat-timeout-seconds", DEFAULT_HEARTBEAT_TIMEOUT_SECONDS, 2, 600),
                1,
                flags.getInt("quorum-size", 2, 1, 1000));
    }

    /**
     * A member config: data member for a game node, lite member (no partitions, no room data) for
     * a gateway. {@code attributes} are published to every other member (see {@link NodeInfo}).
     */
    public Config toMemberConfig(String instanceName, boolean liteMember, Map<String, String> attributes) {
        Config config = new Config();
        config.setInstanceName(instanceName);
        config.setClusterName(clusterName);
        config.setLiteMember(liteMember);
        config.getMemberAttributeConfig().setAttributes(attributes);

        // The advanced network with a single member endpoint, not the default "unified" one: on
        // 5.7.0 a unified connection to a peer whose kernel accepted the TCP connection but whose
        // process does not answer (SIGSTOPped) makes the IO output thread that owns it spin at
        // 100% CPU forever (its protocol encoder reports CLEAN while frames wait behind the
        // unanswered protocol header, so the pipeline re-queues itself without end), starving
        // every other connection on that thread: heartbeats to those members stop and the
        // cluster splits. The member endpoint's encoder reports BLOCKED instead and waits.
        AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
        ServerSocketEndpointConfig endpoint = new ServerSocketEndpointConfig();
        endpoint.setPort(port).setPortAutoIncrement(true).setPortCount(100);
        endpoint.setPublicAddress(host);
        endpoint.getInterfaces().setEnabled(true).addInterface(host);
        network.setMemberEndpointConfig(endpoint);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(expandPortRanges(members));

        // Room records: one synchronous backup, so an acknowledged event survives the loss of its
        // owner; a cluster side smaller than the quorum may neither read nor write them, so a node
        // cut off from the others (paused, partitioned) cannot accept moves on its own.
        config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(ClusterNames.ROOMS_QUORUM, true, quorumSize)
                .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
        // A record nobody has read or written for a day (no request, no takeover) is forgotten, or
        // finished and abandoned rooms would fill the cluster's memory forever.
        config.addMapConfig(new MapConfig(ClusterNames.ROOMS_MAP)
                .setBackupCount(1)
                .setAsyncBackupCount(0)
                .setMaxIdleSeconds(ROOM_RECORD_MAX_IDLE_SECONDS)
                .setSplitBrainProtectionName(ClusterNames.ROOMS_QUORUM));
        // Finished rooms waiting for the archive: as safe as their records, and never expired (an
        // entry leaves only once its room's row is committed).
        config.addMapConfig(new MapConfig(ClusterNames.ARCHIVE_QUEUE_MAP)
                .setBackupCount(1)
                .setAsyncBackupCount(0)
                .setSplitBrainProtectionName(ClusterNames.ROOMS_QUORUM));
        config.addMapConfig(new MapConfig(ClusterNames.NODE_STATUS_MAP).setBackupCount(1));

        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(heartbeatTimeoutSeconds));
        config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(heartbeatIntervalSeconds));
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // An operation on a partition whose owner just died is retried until a backup is promoted;
        // the default pause between tries (500 ms) would dominate a failover.
        config.setProperty("hazelcast.invocation.retry.pause.millis", "50");
        // A killed member's port refuses connections at once; by default a member is suspected only
        // after four refused reconnects 100 ms apart, which delays every failover by ~0.4 s. Here the
        // second refusal 50 ms after the first does it (a hung member is caught by the heartbeat).
        config.setProperty("hazelcast.connection.monitor.interval", "50");
        config.setProperty("hazelcast.connection.monitor.max.faults", "1");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // Processes own their shutdown: the launcher and the tests stop them by pid.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // A lone member waits this long for others before it forms a cluster of its own.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        // After a split, the halves look for each other again within seconds, not minutes.
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        FeedTopics.configure(config);
        return config;
    }

    /** Hazelcast takes one port per member entry; we also accept {@code host:5701-5710}. */
    static List<String> expandPortRanges(List<String> members) {
        List<String> expanded = new ArrayList<>();
        for (String member : members) {
            String m = member.trim();
            int colon = m.lastIndexOf(':');
            int dash = m.indexOf('-', colon + 1);
            if (colon < 0 || dash < 0) {
                expanded.add(m);
                continue;
            }
            int from = Integer.parseInt(m.substring(colon + 1, dash));
            int to = Integer.parseInt(m.substring(dash + 1));
            if (to < from || to - from > 100) {
                throw new IllegalArgumentException("member '" + m + "': bad port range (expected: low-high, at most 100 ports)");
            }
            for (int port = from; port <= to; port++) {
                expanded.add(m.substring(0, colon) + ":" + port);
            }
        }
        return expanded;
    }
}
