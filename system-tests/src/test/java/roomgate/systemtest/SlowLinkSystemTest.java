package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The userspace link emulator ({@code deploy/netns/slowlink.py}, switched in and out by
 * {@code hosts.sh slow} / {@code fast}) on its own, without roomgate: one host made by
 * {@code hosts.sh --net-only} runs a UDP echo; the test, in the root namespace, sends it numbered
 * datagrams through the root link and the bridge, so each round trip crosses the emulator twice.
 * Checked: round trips within twice the delay plus or minus the jitter, the configured share lost,
 * order kept, the rate limit, the link back to normal after {@code fast}, and no frame delivered
 * once the emulator was told to stop.
 *
 * <p>Needs root and python3: in {@code -Pnetfaults}.
 */
@Tag("netfaults")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlowLinkSystemTest {
    private static final String HOST = "h1";
    private static final int ECHO_PORT = 9999;

    private NetnsHosts hosts;
    private Process echo;
    /** Sequence numbers of the datagrams that reached the echo (which prints each). */
    private final Set<Long> reached = ConcurrentHashMap.newKeySet();
    /** Every datagram of the class has its own number. */
    private final AtomicLong sequence = new AtomicLong();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(NetnsHosts.available(), "needs root and iproute2 (network namespaces)");
        assumeTrue(NetnsHosts.python3(), "needs python3 (slowlink.py)");
        Path runDir = Path.of(
                        "target",
                        "system-test-logs",
                        "slowlink",
                        "hosts-" + ProcessHandle.current().pid())
                .toAbsolutePath();
        hosts = NetnsHosts.up(runDir, List.of("--net-only", "--hosts", "1"), Duration.ofMinutes(1));
        Path script = Path.of(
                SlowLinkSystemTest.class.getResource("/netns/udp_echo.py").toURI());
        echo = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        hosts.host(HOST).namespace(),
                        "python3",
                        script.toString(),
                        Integer.toString(ECHO_PORT))
                .redirectError(runDir.getParent()
                        .resolve("echo-" + ProcessHandle.current().pid() + ".log")
                        .toFile())
                .start();
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(lines.readLine()).as("the echo's first line").isEqualTo("READY");
        Thread reader = new Thread(
                () -> {
                    try {
                        for (String line; (line = lines.readLine()) != null; ) {
                            reached.add(Long.parseLong(line.trim()));
                        }
                    } catch (IOException | NumberFormatException e) {
                        // the echo stopped: nothing more reaches the host
                    }
                },
                "udp-echo-output");
        reader.setDaemon(true);
        reader.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (echo != null) {
            echo.destroy(); // ours: started above
            echo.waitFor(10, TimeUnit.SECONDS);
        }
        if (hosts != null) {
            hosts.down();
            assertThat(hosts.leftovers()).as("what the test left behind").isEmpty();
        }
    }

    @Test
    @Order(0)
    void scheduleOnItsOwn() throws Exception {
        // The delay, jitter, order, loss and rate logic with a made-up clock (slowlink_test.py).
        Process p = new ProcessBuilder("python3", "-B", "-m", "unittest", "slowlink_test")
                .directory(NetnsHosts.SCRIPT.getParent().toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("OK");
    }

    @Test
    @Order(1)
    void delaysEachFrameByTheDelayPlusOrMinusTheJitterDropsTheShareAndKeepsOrder() throws Exception {
        Probe before = probe(50, Duration.ofMillis(10), 0);
        assertThat(before.received()).as("round trips on the veth").hasSize(50);
        assertThat(before.percentile(50))
                .as("median round trip on the veth (ms)")
                .isLessThan(50.0);

        // 100 ms +- 50 each way: a round trip crosses twice, 100-300 ms. A probe every 50 ms, so
        // that keeping order (a frame waits for the one before it) seldom lengthens a delay.
        hosts.slow(HOST, "--delay", "100ms", "--jitter", "50ms", "--loss", "10%");
        Probe slow;
        try {
            slow = probe(300, Duration.ofMillis(50), 0);
        } finally {
            hosts.fast(HOST);
        }
        System.out.printf(
                "slow link 100 ms +- 50 each way, 10%% loss each way: %d of 300 answered, round trip ms min %.1f"
                        + " p10 %.1f p50 %.1f p90 %.1f max %.1f%n",
                slow.received().size(),
                slow.percentile(0),
                slow.percentile(10),
                slow.percentile(50),
                slow.percentile(90),
                slow.percentile(100));
        // Never sooner than the least delay each way: the emulator does not send a frame early.
        assertThat(slow.percentile(0)).as("shortest round trip (ms)").isGreaterThanOrEqualTo(100.0);
        // Spread by the jitter: two uniform draws, p10 ~145 ms and p90 ~255 ms; 200 with none.
        assertThat(slow.percentile(10)).as("p10 round trip (ms)").isLessThan(185.0);
        assertThat(slow.percentile(90)).as("p90 round trip (ms)").isGreaterThan(215.0);
        // The middle, with room for a loaded machine's scheduling.
        assertThat(slow.percentile(50)).as("median round trip (ms)").isBetween(170.0, 290.0);
        // 10% each way: 19% of round trips lost; over 300, 3.5 standard deviations either side.
        double lost = 1.0 - slow.received().size() / 300.0;
        assertThat(lost).as("share of round trips lost").isBetween(0.10, 0.29);
        assertThat(slow.inOrder()).as("answers in the order sent").isTrue();

        Probe after = probe(50, Duration.ofMillis(10), 0);
        assertThat(after.received()).as("round trips after fast").hasSize(50);
        assertThat(after.percentile(50)).as("median round trip after fast (ms)").isLessThan(50.0);
    }

    @Test
    @Order(2)
    void holdsFramesToTheRate() throws Exception {
        // 1 Mbit/s and no delay: a burst of 20 datagrams of 1,200 bytes (~1,250 on the wire, 10 ms
        // each) leaves one after another, so the last answer comes ~200 ms after the first.
        hosts.slow(HOST, "--rate", "1mbit");
        Probe burst;
        try {
            burst = probe(20, Duration.ZERO, 1200);
        } finally {
            hosts.fast(HOST);
        }
        assertThat(burst.received()).as("answers to the burst").hasSize(20);
        assertThat(burst.percentile(100) - burst.percentile(0))
                .as("ms between the first and the last answer of the burst")
                .isGreaterThan(180.0);
        assertThat(burst.inOrder()).as("answers in the order sent").isTrue();
    }

    @Test
    @Order(3)
    void stopsCleanlyOnSigtermAndDeliversNothingItStillHeld() throws Exception {
        hosts.slow(HOST, "--delay", "300ms");
        long pid = hosts.pids().get("slowlink-" + HOST);
        assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse(""))
                .as("the emulator hosts.sh started")
                .contains("slowlink.py")
                .contains(hosts.runDir().toString());
        // A datagram every 5 ms for 1.5 s, then SIGTERM while ~60 are held (300 ms of them).
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        InetSocketAddress target = new InetSocketAddress(hosts.host(HOST).address(), ECHO_PORT);
        long stopAt;
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(target);
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < until) {
                long seq = sequence.incrementAndGet();
                sentAt.put(seq, System.nanoTime());
                channel.write(ByteBuffer.wrap(Long.toString(seq).getBytes(StandardCharsets.US_ASCII)));
                Thread.sleep(5);
            }
            stopAt = System.nanoTime();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // SIGTERM, to the pid hosts.sh recorded
            await().atMost(Duration.ofSeconds(10)).until(() -> !NetnsHosts.running(pid));
        }
        String stats = hosts.slowLinkStats(HOST);
        assertThat(stats).as("the emulator's stats as it stopped").contains("\"stopped_by\": \"SIGTERM\"");
        assertThat(NetnsHosts.slowLinkStat(stats, "to-inside", "discarded_at_stop")
                        .map(Long::parseLong))
                .as("frames discarded at the stop, towards the host")
                .hasValueSatisfying(n -> assertThat(n).isPositive());
        // Its devices went with it; fast puts the host back on its veth all the same.
        assertThat(exitCode("ip", "-n", hosts.host(HOST).namespace(), "link", "show", "slow0"))
                .as("slow0 after the emulator stopped")
                .isNotZero();
        hosts.fast(HOST);
        Probe after = probe(20, Duration.ofMillis(10), 0);
        assertThat(after.received()).as("round trips after fast").hasSize(20);
        // The echo reads its socket in order: once it printed the probe's datagrams, it has printed
        // every datagram that reached the host before them, the emulator's last ones included.
        long lastProbe = after.received().get(after.received().size() - 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> reached.contains(lastProbe));

        long margin = Duration.ofMillis(100).toNanos();
        long held = Duration.ofMillis(300).toNanos();
        long deliveredBefore = sentAt.entrySet().stream()
                .filter(e -> e.getValue() < stopAt - held - margin)
                .filter(e -> reached.contains(e.getKey()))
                .count();
        List<Long> deliveredAfter = sentAt.entrySet().stream()
                .filter(e -> e.getValue() > stopAt - held + margin)
                .filter(e -> reached.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        assertThat(deliveredBefore)
                .as("datagrams due before the stop that reached the host")
                .isPositive();
        assertThat(deliveredAfter)
                .as("datagrams held at the stop (sent in its last 200 ms) that reached the host")
                .isEmpty();
    }

    // ------------------------------------------------------------------ plumbing

    /** Round trips measured by one probe: the sequence numbers answered, in order, and their times. */
    record Probe(List<Long> received, double[] sortedMillis) {
        double percentile(int p) {
            if (sortedMillis.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(sortedMillis.length * p / 100.0) - 1;
            return sortedMillis[Math.max(0, Math.min(sortedMillis.length - 1, i))];
        }

        boolean inOrder() {
            for (int i = 1; i < received.size(); i++) {
                if (received.get(i) <= received.get(i - 1)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Sends {@code count} datagrams ({@code size} bytes at least), one per {@code gap}, to the echo,
     * and waits until each is answered or 1.5 s after the last.
     */
    private Probe probe(int count, Duration gap, int size) throws Exception {
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<Long, Long> rtt = new ConcurrentHashMap<>();
        List<Long> order = java.util.Collections.synchronizedList(new ArrayList<>());
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(new InetSocketAddress(hosts.host(HOST).address(), ECHO_PORT));
            Thread receiver = new Thread(
                    () -> {
                        ByteBuffer in = ByteBuffer.allocate(2048);
                        try {
                            while (true) {
                                in.clear();
                                channel.receive(in);
                                long now = System.nanoTime();
                                in.flip();
                                String text =
                                        StandardCharsets.US_ASCII.decode(in).toString();
                                long seq = Long.parseLong(text.split(" ", 2)[0]);
                                Long sent = sentAt.get(seq);
                                if (sent != null && rtt.putIfAbsent(seq, now - sent) == null) {
                                    order.add(seq);
                                }
                            }
                        } catch (AsynchronousCloseException closed) {
                            // the probe is over
                        } catch (IOException | RuntimeException e) {
                            // a broken answer: counted as lost
                        }
                    },
                    "udp-probe");
            receiver.setDaemon(true);
            receiver.start();
            char[] padding = new char[Math.max(0, size)];
            Arrays.fill(padding, 'x');
            for (int i = 0; i < count; i++) {
                long seq = sequence.incrementAndGet();
                String payload = size > 0 ? seq + " " + new String(padding) : Long.toString(seq);
                sentAt.put(seq, System.nanoTime());
                channel.write(ByteBuffer.wrap(payload.getBytes(StandardCharsets.US_ASCII)));
                if (!gap.isZero()) {
                    Thread.sleep(gap.toMillis());
                }
            }
            try {
                await().atMost(Duration.ofMillis(1500)).until(() -> rtt.size() == count);
            } catch (org.awaitility.core.ConditionTimeoutException lostSome) {
                // what is lost stays lost; the answers are counted below
            }
        }
        double[] ms =
                rtt.values().stream().mapToDouble(n -> n / 1_000_000.0).sorted().toArray();
        synchronized (order) {
            return new Probe(List.copyOf(order), ms);
        }
    }

    private static int exitCode(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
