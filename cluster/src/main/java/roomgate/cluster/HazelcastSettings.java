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
import java.util.regex.Pattern;
import roomgate.runtime.Flags;

/**
 * How a roomgate process joins the Hazelcast cluster: cluster name, where this member listens, whom
 * it asks to join, and how fast a silent member is declared dead. Game nodes and gateways build
 * their member {@link Config} from the same settings so that they always find each other.
 *
 * <p>Discovery is TCP/IP on loopback by default (multicast is off: it would find strangers'
 * clusters); on Kubernetes it is Hazelcast's built-in Kubernetes discovery, which asks the DNS for
 * the addresses behind a headless service ({@code deploy/k8s/}). Hazelcast's default heartbeat
 * timeout is 60 s, far too slow for games; ours defaults to 5 s. {@code quorumSize} is the
 * smallest number of game nodes (Hazelcast counts data members only, so gateways do not count) that
 * may touch room records.
 */
public record HazelcastSettings(
        String clusterName,
        String host,
        int port,
        List<String> members,
        int heartbeatTimeoutSeconds,
        int heartbeatIntervalSeconds,
        int quorumSize,
        Discovery discovery,
        String kubernetesServiceDns,
        long backupTimeoutMillis,
        long quorumLeaseMillis) {

    public static final String DEFAULT_CLUSTER_NAME = "roomgate";
    public static final int DEFAULT_PORT = 5701;
    public static final int DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 5;
    /**
     * Hazelcast's backup timeout. It must exceed {@link #leaseMillis()} by more than a backup takes to
     * cross a working link, so that a write whose backup was lost in a cut outlasts the lease.
     */
    public static final long BACKUP_TIMEOUT_MILLIS = 5000;
    /**
     * The least by which the backup timeout must exceed the quorum lease: the longest a backup may
     * take to cross a working link (see {@link QuorumLease}).
     */
    public static final long BACKUP_DELIVERY_MARGIN_MILLIS = 1000;

    /** How long a room record outlives its last use. */
    public static final int ROOM_RECORD_MAX_IDLE_SECONDS = 24 * 60 * 60;

    /** The flags read by {@link #fromFlags}; each main adds them to its own. */
    public static final List<String> FLAGS = List.of(
            "cluster-name",
            "hz-host",
            "hz-port",
            "hz-members",
            "heartbeat-timeout-seconds",
            "quorum-size",
            "hz-discovery",
            "hz-k8s-service-dns",
            "backup-timeout-millis",
            "quorum-lease-millis");

    /**
     * A DNS name as Kubernetes writes a service's: lowercase labels of letters, digits and dashes,
     * dot-separated ({@code roomgate-hz.roomgate.svc.cluster.local}). Checked at start-up, because
     * Hazelcast would only log a failed lookup, again and again, and the member would form a
     * cluster of its own.
     */
    private static final Pattern DNS_NAME =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

    /** How a member finds the others (flag {@code --hz-discovery}). */
    public enum Discovery {
        /** The fixed list {@code --hz-members}: loopback, VMs with known addresses. The default. */
        TCP,
        /**
         * Hazelcast's built-in Kubernetes discovery in its DNS lookup mode: the members are the
         * addresses of the headless service {@code --hz-k8s-service-dns}. DNS rather than the
         * Kubernetes API, because it needs no service account rights (no RBAC objects to keep).
         */
        KUBERNETES
    }

    /** TCP/IP discovery of {@code members}: what every member used before Kubernetes discovery existed. */
    public HazelcastSettings(
            String clusterName,
            String host,
            int port,
            List<String> members,
            int heartbeatTimeoutSeconds,
            int heartbeatIntervalSeconds,
            int quorumSize) {
        this(
                clusterName,
                host,
                port,
                members,
                heartbeatTimeoutSeconds,
                heartbeatIntervalSeconds,
                quorumSize,
                Discovery.TCP,
                null);
    }

    /** With the default backup timeout and the quorum lease that goes with it ({@link #defaultLeaseMillis}). */
    public HazelcastSettings(
            String clusterName,
            String host,
            int port,
            List<String> members,
            int heartbeatTimeoutSeconds,
            int heartbeatIntervalSeconds,
            int quorumSize,
            Discovery discovery,
            String kubernetesServiceDns) {
        this(
                clusterName,
                host,
                port,
                members,
                heartbeatTimeoutSeconds,
                heartbeatIntervalSeconds,
                quorumSize,
                discovery,
                kubernetesServiceDns,
                BACKUP_TIMEOUT_MILLIS,
                defaultLeaseMillis(heartbeatIntervalSeconds, BACKUP_TIMEOUT_MILLIS));
    }

    public HazelcastSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(discovery, "discovery");
        members = List.copyOf(members);
        if (discovery == Discovery.KUBERNETES) {
            if (kubernetesServiceDns == null
                    || !DNS_NAME.matcher(kubernetesServiceDns).matches()) {
                throw new IllegalArgumentException("kubernetesServiceDns: '" + kubernetesServiceDns
                        + "' (expected: a service's DNS name, e.g. roomgate-hz.roomgate.svc.cluster.local)");
            }
            if (!members.isEmpty()) {
                throw new IllegalArgumentException(
                        "members: " + members + " (expected: none with Kubernetes discovery)");
            }
        } else if (kubernetesServiceDns != null) {
            throw new IllegalArgumentException(
                    "kubernetesServiceDns: '" + kubernetesServiceDns + "' (expected: none with TCP/IP discovery)");
        }
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
        // The lease must outlast a heartbeat interval with room for one late heartbeat, or it lapses
        // between heartbeats on a healthy cluster; the backup timeout must outlast the lease by a
        // backup's delivery time, or a cut-off member acknowledges a write whose backup was lost.
        if (quorumLeaseMillis < 1500L * heartbeatIntervalSeconds) {
            throw new IllegalArgumentException("quorumLeaseMillis: " + quorumLeaseMillis + " (expected: >= "
                    + 1500L * heartbeatIntervalSeconds + ", one and a half heartbeat intervals)");
        }
        if (backupTimeoutMillis < quorumLeaseMillis + BACKUP_DELIVERY_MARGIN_MILLIS) {
            throw new IllegalArgumentException("backupTimeoutMillis: " + backupTimeoutMillis + " (expected: >= the"
                    + " quorum lease " + quorumLeaseMillis + " + " + BACKUP_DELIVERY_MARGIN_MILLIS + " ms)");
        }
    }

    /**
     * Reads {@link #FLAGS}. A wrong combination is refused with the flag to fix: Kubernetes
     * discovery without a service name, or with {@code --hz-members}, which it would ignore.
     */
    public static HazelcastSettings fromFlags(Flags flags) {
        String host = flags.get("hz-host", "127.0.0.1");
        int port = flags.getInt("hz-port", DEFAULT_PORT, 1, 65535);
        String discoveryName = flags.get("hz-discovery", "tcp");
        Discovery discovery = switch (discoveryName) {
            case "tcp" -> Discovery.TCP;
            case "kubernetes" -> Discovery.KUBERNETES;
            default ->
                throw new IllegalArgumentException(
                        "--hz-discovery: '" + discoveryName + "' (expected: tcp or kubernetes)");
        };
        String serviceDns = flags.get("hz-k8s-service-dns", null);
        String explicitMembers = flags.get("hz-members", null);
        List<String> members;
        if (discovery == Discovery.KUBERNETES) {
            if (serviceDns == null || serviceDns.isBlank()) {
                throw new IllegalArgumentException("--hz-k8s-service-dns: missing (expected with --hz-discovery "
                        + "kubernetes: the headless service's DNS name, e.g. roomgate-hz.roomgate.svc.cluster.local)");
            }
            if (!DNS_NAME.matcher(serviceDns).matches()) {
                throw new IllegalArgumentException(
                        "--hz-k8s-service-dns: '" + serviceDns + "' (expected: a DNS name "
                                + "of lowercase letters, digits, dashes and dots, e.g. roomgate-hz.roomgate.svc.cluster.local)");
            }
            if (explicitMembers != null) {
                throw new IllegalArgumentException("--hz-members: '" + explicitMembers + "' is not used with "
                        + "--hz-discovery kubernetes (the members are found by --hz-k8s-service-dns); remove it");
            }
            members = List.of();
        } else {
            if (serviceDns != null) {
                throw new IllegalArgumentException("--hz-k8s-service-dns: '" + serviceDns
                        + "' is only used with --hz-discovery kubernetes (the discovery is tcp)");
            }
            members = List.of(
                    (explicitMembers != null ? explicitMembers : host + ":" + DEFAULT_PORT + "-" + (DEFAULT_PORT + 9))
                            .split(","));
        }
        long backupTimeout = flags.getInt("backup-timeout-millis", (int) BACKUP_TIMEOUT_MILLIS, 1000, 600_000);
        return new HazelcastSettings(
                flags.get("cluster-name", DEFAULT_CLUSTER_NAME),
                host,
                port,
                members,
                flags.getInt("heartbeat-timeout-seconds", DEFAULT_HEARTBEAT_TIMEOUT_SECONDS, 2, 600),
                1,
                flags.getInt("quorum-size", 2, 1, 1000),
                discovery,
                serviceDns,
                backupTimeout,
                flags.getInt("quorum-lease-millis", (int) defaultLeaseMillis(1, backupTimeout), 1, 600_000));
    }

    /**
     * The default of how long hearing from a game node counts towards the quorum ({@link
     * QuorumLease}): two heartbeat intervals and a second, so one late heartbeat on a loaded machine
     * does not lapse it, and at most the backup timeout less two seconds.
     */
    static long defaultLeaseMillis(int heartbeatIntervalSeconds, long backupTimeoutMillis) {
        return Math.min(2000L * heartbeatIntervalSeconds + 1000, backupTimeoutMillis - 2000);
    }

    /** How long hearing from a game node counts towards the quorum ({@link QuorumLease}). */
    public long leaseMillis() {
        return quorumLeaseMillis;
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
        if (discovery == Discovery.KUBERNETES) {
            // Every member listens on the same port in its own pod, so the service's addresses are
            // tried on that port only (not Hazelcast's default 5701-5703 scan).
            join.getKubernetesConfig()
                    .setEnabled(true)
                    .setProperty("service-dns", kubernetesServiceDns)
                    .setProperty("service-port", Integer.toString(port));
        } else {
            join.getTcpIpConfig().setEnabled(true).setMembers(expandPortRanges(members));
        }

        // Room records: one synchronous backup, so an acknowledged event survives the loss of its
        // owner; a cluster side smaller than the quorum may neither read nor write them, so a node
        // cut off from the others (paused, partitioned) cannot accept moves on its own.
        // The quorum is a lease (QuorumLease): game nodes heard from lately, not the member list,
        // which still names the other side of a split until the heartbeat timeout.
        config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(ClusterNames.ROOMS_QUORUM, true, quorumSize)
                .setFunctionImplementation(
                        new LeaseSplitBrainProtection(new QuorumLease(quorumSize, leaseMillis(), System::nanoTime)))
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
        // Spent resume connections: a spend lost with a member would let its tokens resume again, and
        // a side below the quorum could spend what the other side already did; entries expire by
        // their own time to live (the tokens' lifetime).
        config.addMapConfig(new MapConfig(ClusterNames.SPENT_RESUMES_MAP)
                .setBackupCount(1)
                .setAsyncBackupCount(0)
                .setSplitBrainProtectionName(ClusterNames.ROOMS_QUORUM));

        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(heartbeatTimeoutSeconds));
        config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(heartbeatIntervalSeconds));
        // Stated, not left to the default: a write that waits this long for its backup is answered as
        // stored anyway, and only a lease that has run out by then refuses it (QuorumLease).
        config.setProperty("hazelcast.operation.backup.timeout.millis", Long.toString(backupTimeoutMillis));
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
        if (liteMember) {
            trimLiteMember(config);
        }
        return config;
    }

    /**
     * What a lite member (a gateway) does without: it owns no partition, runs no map operation of
     * its own and is watched by no Management Center, yet by default it keeps Hazelcast's metrics
     * (every 5 s it walks and compresses thousands of probes and registers them with JMX), the
     * health monitor and the slow-operation detector running, and the thread pools sized for a
     * data member. What it uses stays as it was: membership and entry listeners (event threads),
     * reliable topics (the async executor and the response threads, untouched), map calls and
     * heartbeats (generic and priority threads, untouched). Measured with bench/idle/run.sh:
     * docs/notes/gateway-idle-cost.md.
     */
    static void trimLiteMember(Config config) {
        config.getMetricsConfig().setEnabled(false);
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.slow.operation.detector.enabled", "false");
        // No partitions here: nothing is ever queued on a partition thread; one must exist.
        config.setProperty("hazelcast.operation.thread.count", "1");
        // Events are the membership and node-status ones: a few a second.
        config.setProperty("hazelcast.event.thread.count", "1");
        // One connection per member, most of them idle: two threads each way instead of three.
        config.setProperty("hazelcast.io.input.thread.count", "2");
        config.setProperty("hazelcast.io.output.thread.count", "2");
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
                throw new IllegalArgumentException(
                        "member '" + m + "': bad port range (expected: low-high, at most 100 ports)");
            }
            for (int port = from; port <= to; port++) {
                expanded.add(m.substring(0, colon) + ":" + port);
            }
        }
        return expanded;
    }
}
