package roomgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A hung member (SIGSTOPped) still completes TCP handshakes: its kernel accepts connections into
 * the listen backlog, but nothing ever answers Hazelcast's protocol header. On the default network
 * setup that makes one of our IO output threads spin forever, starving the other members'
 * connections it serves until the cluster splits; this is the member config's guard against it.
 */
class HungPeerTest {
    @Test
    void connectingToAPeerThatNeverAnswersDoesNotBurnAnIoThread() throws Exception {
        // Bound and listening, never accepted from and never read: what a paused process looks like.
        int port;
        try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again at once: a port for the member to bind
        }
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String cluster = "hung-" + UUID.randomUUID();
            HazelcastSettings settings = new HazelcastSettings(
                    cluster,
                    "127.0.0.1",
                    port,
                    List.of("127.0.0.1:" + port, "127.0.0.1:" + hung.getLocalPort()),
                    5,
                    1,
                    1);
            Config config = settings.toMemberConfig(cluster, false, Map.of());
            // Joining dials every listed address, the hung one included, and waits on it; here for
            // 5 s, after which the member starts alone and the test stops it.
            config.setProperty("hazelcast.max.join.seconds", "5");
            Thread starter = new Thread(
                    () -> Hazelcast.newHazelcastInstance(config)
                            .getLifecycleService()
                            .terminate(),
                    "hung-peer-starter");
            starter.setDaemon(true);
            starter.start();
            // Measured only once the member has IO output threads: with none (not started yet, or
            // named differently) the CPU below would be 0 and the test would pass without measuring.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> outputThreads(cluster).size() > 0);
            long before = outputThreadsCpuNanos(cluster);
            // The measured window, inside the 5 s the join waits on the hung peer.
            Thread.sleep(3_000);
            assertThat(outputThreads(cluster))
                    .as("IO output threads at the end of the window")
                    .isNotEmpty();
            long burned = outputThreadsCpuNanos(cluster) - before;
            starter.join(60_000);
            // Idle output threads use about a millisecond here; the spin burned 2-3 s (a whole core).
            assertThat(burned / 1_000_000)
                    .as("ms of CPU used by the IO output threads in 3 s")
                    .isLessThan(300);
        }
    }

    private static long outputThreadsCpuNanos(String instanceName) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : outputThreads(instanceName)) {
            total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
        }
        return total;
    }

    private static List<ThreadInfo> outputThreads(String instanceName) {
        return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
                .filter(info -> info.getThreadName().startsWith("hz." + instanceName + ".IO.thread-out"))
                .toList();
    }
}
