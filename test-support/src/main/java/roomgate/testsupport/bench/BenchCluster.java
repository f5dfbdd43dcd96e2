package roomgate.testsupport.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import roomgate.runtime.ReadyLine;

/**
 * The processes of one benchmark run: roomgate's runnable jars (as {@code mvn package} builds them),
 * each a JVM of its own and a member of one Hazelcast cluster on 127.0.0.1 with a quorum of one (a
 * single game node), waited for until it prints its {@link ReadyLine}. Closing stops them, newest
 * first, by their own process handles (never by name). The system tests start theirs from the test
 * class path instead (LocalCluster); a benchmark measures the jars as they are deployed.
 */
public final class BenchCluster implements AutoCloseable {
    /** Generous: on a machine shared with other builds a JVM has taken over a minute to start. */
    private static final long READY_SECONDS = 180;

    private final Path repo;
    private final Path logDir;
    private final String clusterName;
    private final List<Integer> hzPorts = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    /** A JVM this cluster started, and the fields of its ready line. */
    public record Service(Process process, Map<String, String> ready) {}

    /**
     * A cluster named {@code namePrefix} and a random suffix (so runs never join each other) of at
     * most {@code members} members; their output goes to {@code logDir} (created).
     */
    public BenchCluster(Path repo, Path logDir, String namePrefix, int members) throws IOException {
        this.repo = repo;
        this.logDir = logDir;
        this.clusterName = namePrefix + UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(logDir);
        while (hzPorts.size() < members) {
            int port = freePort();
            if (!hzPorts.contains(port)) { // none is bound until its member starts
                hzPorts.add(port);
            }
        }
    }

    /**
     * Starts {@code jar} (relative to the repository) with {@code heap} (e.g. {@code -Xmx512m}) and
     * the launcher's JVM options, as cluster member {@code member}, and waits for its ready line.
     * Output: {@code name.out} and {@code name.log} in the log folder.
     */
    public Service start(String name, String jar, String heap, int member, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + repo.resolve("deploy/jvm.options"),
                heap,
                "-jar",
                repo.resolve(jar).toString()));
        command.addAll(args);
        command.addAll(List.of(
                "--cluster-name",
                clusterName,
                "--hz-port",
                Integer.toString(hzPorts.get(member)),
                "--hz-members",
                hzPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")),
                // One game node: with the default quorum of 2 the cluster is below it, and each
                // gateway's archive backlog sample (every 2 s) is refused by every partition with a
                // Java-serialized exception, which swamped the gateway's allocation profile.
                "--quorum-size",
                "1"));
        Path out = logDir.resolve(name + ".out");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(logDir.resolve(name + ".log").toFile())
                .start();
        started.add(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + logDir.resolve(name + ".log"));
            }
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                Map<String, String> fields = ReadyLine.parse(line);
                if (fields != null) {
                    return new Service(process, fields);
                }
            }
            Thread.sleep(100); // polls the process's output for its ready line; fails loudly at the deadline below
        }
        throw new IllegalStateException(
                name + " not ready after " + READY_SECONDS + " s; see " + logDir.resolve(name + ".log"));
    }

    /** utime + stime of process {@code pid}, in clock ticks (1/100 s on Linux), from /proc/PID/stat. */
    public static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields 14 and 15, counted after the command name in parentheses (which may hold spaces).
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Stops the processes this cluster started, newest first, by their own handles. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            Process p = started.get(i);
            p.destroy();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A free loopback port below the ephemeral range, as the system tests draw them: the member list
     * names members before they start, and a port from bind(0) could be handed to a member's outgoing
     * socket dialling it, which then connects to itself.
     */
    private static int freePort() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            int port = 20_000 + random.nextInt(10_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in 20000-29999");
    }
}
