package roomgate.systemtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hosts of one {@code deploy/netns/hosts.sh} run, driven from a test: the script makes the
 * network namespaces (and, unless {@code --net-only}, starts the processes in them), and takes all
 * of it down again; this class reads what the run recorded and runs commands inside a host (the
 * faults: {@code nft}, {@code ip link}). One way to make hosts: the operators' script itself.
 */
final class NetnsHosts implements AutoCloseable {
    static final Path SCRIPT =
            Path.of("..", "deploy", "netns", "hosts.sh").toAbsolutePath().normalize();

    /** One host: its name in the run (node-1, gw-1, h1), namespace and address. */
    record Host(String name, String namespace, String address, String role) {}

    private final Path runDir;
    private final String prefix;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private boolean down;

    private NetnsHosts(Path runDir) throws IOException {
        this.runDir = runDir;
        this.prefix = Files.readString(runDir.resolve("prefix")).trim();
        for (String line : Files.readAllLines(runDir.resolve("hosts"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4) {
                hosts.put(f[0], new Host(f[0], f[1], f[2], f[3]));
            }
        }
    }

    /** Whether this machine can make namespaces: root and iproute2 (the suite is skipped otherwise). */
    static boolean available() {
        try {
            Process id = new ProcessBuilder("id", "-u").start();
            String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return id.waitFor() == 0
                    && uid.equals("0")
                    && run(List.of("ip", "netns", "list"), Duration.ofSeconds(10)) == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Whether python3 runs here: {@code hosts.sh slow}'s link emulator needs it. */
    static boolean python3() {
        try {
            return run(List.of("python3", "-c", "pass"), Duration.ofSeconds(20)) == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** {@code hosts.sh up --run-dir RUN_DIR ARGS...}, with this JVM's classpath instead of the jars. */
    static NetnsHosts up(Path runDir, List<String> args, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(runDir.getParent());
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), "up", "--run-dir", runDir.toString()));
        command.addAll(args);
        Path log = runDir.getParent().resolve(runDir.getFileName() + "-up.txt");
        ProcessBuilder up = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        up.environment().put("ROOMGATE_CLASSPATH", System.getProperty("java.class.path"));
        up.environment()
                .put(
                        "JAVA",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = up.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroy(); // its trap takes down what it made
            p.waitFor(30, TimeUnit.SECONDS);
            throw new IOException("hosts.sh up did not finish within " + timeout + "; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException("hosts.sh up failed (" + p.exitValue() + "): " + Files.readString(log));
        }
        return new NetnsHosts(runDir.toAbsolutePath());
    }

    Host host(String name) {
        Host host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no host " + name + " in " + hosts.keySet());
        }
        return host;
    }

    List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    String prefix() {
        return prefix;
    }

    Path runDir() {
        return runDir;
    }

    /** The pids the script recorded for the processes it started ("name pid" lines). */
    Map<String, Long> pids() throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String line : Files.readAllLines(runDir.resolve("pids"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) {
                pids.put(f[0], Long.parseLong(f[1]));
            }
        }
        return pids;
    }

    /** Runs {@code command} inside host {@code name}'s namespace; fails unless it exits 0. */
    void exec(String name, String... command) throws IOException, InterruptedException {
        List<String> all =
                new ArrayList<>(List.of("ip", "netns", "exec", host(name).namespace()));
        all.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(all).redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", all) + " failed: " + output);
        }
    }

    /** Runs an nft script (one rule set, read from stdin) inside host {@code name}. */
    void nft(String name, String script) throws IOException, InterruptedException {
        Path file = Files.createTempFile(runDir, "nft-", ".txt");
        Files.writeString(file, script);
        try {
            exec(name, "nft", "-f", file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * {@code hosts.sh slow NAME ARGS...}: host {@code name}'s link through the userspace link
     * emulator (deploy/netns/slowlink.py: delay, jitter, loss, rate) while its processes keep running.
     */
    void slow(String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("slow", name));
        command.addAll(List.of(args));
        script(command);
    }

    /** {@code hosts.sh fast NAME}: host {@code name}'s link back on its veth, the emulator stopped. */
    void fast(String name) throws IOException, InterruptedException {
        script(List.of("fast", name));
    }

    /**
     * The last "SLOWLINK-STATS {json}" line host {@code name}'s link emulator printed as it stopped,
     * or "" if none did (it still runs, or was killed).
     */
    String slowLinkStats(String name) throws IOException {
        Path out = runDir.resolve("slowlink-" + name + ".out");
        if (!Files.exists(out)) {
            return "";
        }
        return Files.readAllLines(out).stream()
                .filter(l -> l.startsWith("SLOWLINK-STATS "))
                .reduce((first, second) -> second)
                .orElse("");
    }

    /**
     * A number of one direction ("to-inside": towards the host, "to-outside": from it) in a stats
     * line, or empty. The line is flat JSON two levels deep, with sorted keys.
     */
    static Optional<String> slowLinkStat(String stats, String direction, String field) {
        Matcher object = Pattern.compile("\"" + Pattern.quote(direction) + "\": \\{([^}]*)}")
                .matcher(stats);
        if (!object.find()) {
            return Optional.empty();
        }
        Matcher value =
                Pattern.compile("\"" + Pattern.quote(field) + "\": ([0-9.]+)").matcher(object.group(1));
        return value.find() ? Optional.of(value.group(1)) : Optional.empty();
    }

    /** Runs a hosts.sh command on this run; fails unless it exits 0 within a minute. */
    private void script(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(args);
        command.addAll(List.of("--run-dir", runDir.toString()));
        Path log = runDir.getParent().resolve(runDir.getFileName() + "-" + args.get(0) + ".txt");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed; see " + log);
        }
    }

    /** What of this run the system still has: namespaces and root links with the prefix, live pids. */
    List<String> leftovers() throws IOException, InterruptedException {
        List<String> left = new ArrayList<>();
        for (String ns : output(List.of("ip", "netns", "list"))) {
            String name = ns.split("\\s+")[0];
            if (name.startsWith(prefix + "-")) {
                left.add("namespace " + name);
            }
        }
        String rootLink = prefix.replace("-", "") + "r";
        for (String link : output(List.of("ip", "-o", "link", "show"))) {
            String[] f = link.split(":\\s+");
            if (f.length > 1 && f[1].split("@")[0].equals(rootLink)) {
                left.add("link " + rootLink);
            }
        }
        for (Map.Entry<String, Long> pid : pids().entrySet()) {
            if (running(pid.getValue())) {
                left.add("process " + pid.getKey() + " (pid " + pid.getValue() + ")");
            }
        }
        return left;
    }

    /** {@code hosts.sh down}: stops the run's processes and deletes its namespaces; fails unless it exits 0. */
    void down() throws IOException, InterruptedException {
        down = true;
        Path log = runDir.getParent().resolve(runDir.getFileName() + "-down.txt");
        Process p = new ProcessBuilder(SCRIPT.toString(), "down", "--run-dir", runDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("hosts.sh down failed; see " + log);
        }
    }

    /** Takes the run down unless a test already did (a failed test leaves nothing behind either). */
    @Override
    public void close() throws IOException {
        if (!down) {
            try {
                down();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while taking down " + runDir, e);
            }
        }
    }

    /**
     * Alive and not a zombie: the script's processes belong to init once the script has exited, and
     * a stopped one stays a zombie (no sockets, no namespace) until init reaps it.
     */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    private static int run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
    }

    private static List<String> output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.lines().toList();
    }
}
