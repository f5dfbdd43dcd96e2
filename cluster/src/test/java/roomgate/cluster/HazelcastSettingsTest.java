package roomgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import roomgate.runtime.Flags;

/**
 * The join config a member gets from its flags: TCP/IP by default, Kubernetes discovery only when
 * asked for and fully named, and a clear refusal of every half-given combination (deploy/k8s/ runs
 * the processes with these flags; a Kubernetes cluster cannot run here, so the Config is what is
 * checked).
 */
class HazelcastSettingsTest {
    private static final String SERVICE = "roomgate-hz.roomgate.svc.cluster.local";

    private static HazelcastSettings fromArgs(String... args) {
        return HazelcastSettings.fromFlags(Flags.parse(args, Map.of(), new HashSet<>(HazelcastSettings.FLAGS)));
    }

    private static JoinConfig join(HazelcastSettings settings) {
        Config config = settings.toMemberConfig("m", false, Map.of());
        // The advanced network is on (HungPeerTest says why): its join config is the one used.
        assertThat(config.getAdvancedNetworkConfig().isEnabled()).isTrue();
        return config.getAdvancedNetworkConfig().getJoin();
    }

    @Test
    void byDefaultMembersAreFoundByTcpIpOnLoopback() {
        HazelcastSettings settings = fromArgs();
        assertThat(settings.discovery()).isEqualTo(HazelcastSettings.Discovery.TCP);
        JoinConfig join = join(settings);
        assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
        assertThat(join.getTcpIpConfig().getMembers()).hasSize(10).contains("127.0.0.1:5701", "127.0.0.1:5710");
        assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    }

    @Test
    void kubernetesDiscoveryAsksTheDnsForTheHeadlessServiceOnTheMemberPort() {
        HazelcastSettings settings = fromArgs(
                "--hz-discovery",
                "kubernetes",
                "--hz-k8s-service-dns",
                SERVICE,
                "--hz-host",
                "10.1.2.3",
                "--hz-port",
                "5801");
        assertThat(settings.discovery()).isEqualTo(HazelcastSettings.Discovery.KUBERNETES);
        assertThat(settings.members()).isEmpty();
        JoinConfig join = join(settings);
        KubernetesConfig kubernetes = join.getKubernetesConfig();
        assertThat(kubernetes.isEnabled()).isTrue();
        assertThat(kubernetes.getProperties())
                .containsEntry("service-dns", SERVICE)
                .containsEntry("service-port", "5801");
        // DNS lookup mode: nothing that would make Hazelcast call the Kubernetes API (and need RBAC).
        assertThat(kubernetes.getProperties()).doesNotContainKeys("service-name", "namespace", "service-label-name");
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    }

    @Test
    void theSameComesFromEnvironmentVariables() {
        HazelcastSettings settings = HazelcastSettings.fromFlags(Flags.parse(
                new String[0],
                Map.of("ROOMGATE_HZ_DISCOVERY", "kubernetes", "ROOMGATE_HZ_K8S_SERVICE_DNS", SERVICE),
                new HashSet<>(HazelcastSettings.FLAGS)));
        assertThat(join(settings).getKubernetesConfig().getProperties()).containsEntry("service-dns", SERVICE);
    }

    @Test
    void kubernetesDiscoveryWithoutAServiceNameIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> fromArgs("--hz-discovery", "kubernetes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--hz-k8s-service-dns: missing")
                .hasMessageContaining(SERVICE);
        assertThatThrownBy(() -> fromArgs("--hz-discovery", "kubernetes", "--hz-k8s-service-dns", " "))
                .hasMessageStartingWith("--hz-k8s-service-dns: missing");
    }

    @Test
    void aServiceNameThatIsNoDnsNameIsRefused() {
        for (String bad : List.of(
                "Roomgate-HZ", "roomgate_hz", "-roomgate", "roomgate-hz.", "http://roomgate-hz", "roomgate-hz:5701")) {
            assertThatThrownBy(() -> fromArgs("--hz-discovery", "kubernetes", "--hz-k8s-service-dns", bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--hz-k8s-service-dns: '" + bad + "'");
        }
    }

    @Test
    void anUnknownDiscoveryIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> fromArgs("--hz-discovery", "k8s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--hz-discovery: 'k8s' (expected: tcp or kubernetes)");
    }

    @Test
    void flagsOfTheOtherDiscoveryAreRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> fromArgs("--hz-k8s-service-dns", SERVICE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only used with --hz-discovery kubernetes");
        assertThatThrownBy(() -> fromArgs(
                        "--hz-discovery",
                        "kubernetes",
                        "--hz-k8s-service-dns",
                        SERVICE,
                        "--hz-members",
                        "10.0.0.1:5701"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--hz-members:");
    }

    @Test
    void theRecordItselfRefusesAnInconsistentDiscovery() {
        assertThatThrownBy(() -> new HazelcastSettings(
                        "c", "127.0.0.1", 5701, List.of(), 5, 1, 1, HazelcastSettings.Discovery.KUBERNETES, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kubernetesServiceDns:");
        assertThatThrownBy(() -> new HazelcastSettings(
                        "c",
                        "127.0.0.1",
                        5701,
                        List.of("127.0.0.1:5701"),
                        5,
                        1,
                        1,
                        HazelcastSettings.Discovery.TCP,
                        SERVICE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kubernetesServiceDns:");
    }

    @Test
    void theBackupTimeoutAndTheQuorumLeaseAreSetTogether() {
        HazelcastSettings defaults = fromArgs();
        assertThat(defaults.backupTimeoutMillis()).isEqualTo(5000);
        assertThat(defaults.leaseMillis()).isEqualTo(3000);

        // A shorter backup timeout takes a lease shorter by the delivery margin at most.
        HazelcastSettings shorter = fromArgs("--backup-timeout-millis", "4000");
        assertThat(shorter.leaseMillis()).isEqualTo(2000);
        assertThat(shorter.toMemberConfig("m", false, Map.of())
                        .getProperty("hazelcast.operation.backup.timeout.millis"))
                .isEqualTo("4000");
    }

    @Test
    void aLeaseThatCouldOutlastTheBackupTimeoutOrLapseBetweenHeartbeatsIsRefused() {
        // A cut-off member would acknowledge a write answered by the backup timeout while its lease held.
        assertThatThrownBy(() -> fromArgs("--backup-timeout-millis", "3000", "--quorum-lease-millis", "2500"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("backupTimeoutMillis: 3000");
        // Heartbeats come once a second: a one-second lease would lapse between two of them.
        assertThatThrownBy(() -> fromArgs("--backup-timeout-millis", "3000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("quorumLeaseMillis: 1000");
        assertThat(fromArgs("--backup-timeout-millis", "3000", "--quorum-lease-millis", "2000")
                        .leaseMillis())
                .isEqualTo(2000);
    }

    @Test
    void aLiteMemberRunsWithoutMetricsMonitorsAndSpareThreadsWhileADataMemberKeepsThem() {
        HazelcastSettings settings = fromArgs();
        Config lite = settings.toMemberConfig("gw", true, Map.of());
        assertThat(lite.getMetricsConfig().isEnabled()).isFalse();
        assertThat(lite.getProperty("hazelcast.health.monitoring.level")).isEqualTo("OFF");
        assertThat(lite.getProperty("hazelcast.slow.operation.detector.enabled"))
                .isEqualTo("false");
        assertThat(lite.getProperty("hazelcast.operation.thread.count")).isEqualTo("1");
        assertThat(lite.getProperty("hazelcast.event.thread.count")).isEqualTo("1");
        assertThat(lite.getProperty("hazelcast.io.input.thread.count")).isEqualTo("2");
        assertThat(lite.getProperty("hazelcast.io.output.thread.count")).isEqualTo("2");
        // What the gateway relies on is the same in both: heartbeats, failure detection, retries.
        Config data = settings.toMemberConfig("node", false, Map.of());
        for (String kept : List.of(
                "hazelcast.heartbeat.interval.seconds",
                "hazelcast.max.no.heartbeat.seconds",
                "hazelcast.invocation.retry.pause.millis",
                "hazelcast.operation.backup.timeout.millis")) {
            assertThat(lite.getProperty(kept)).as(kept).isNotNull().isEqualTo(data.getProperty(kept));
        }
        assertThat(data.getMetricsConfig().isEnabled()).isTrue();
        assertThat(data.getProperty("hazelcast.operation.thread.count")).isNull();
        assertThat(data.getProperty("hazelcast.event.thread.count")).isNull();
        assertThat(data.getProperty("hazelcast.health.monitoring.level")).isNull();
    }
}
