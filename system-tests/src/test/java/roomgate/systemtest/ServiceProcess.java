package roomgate.systemtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import roomgate.runtime.ReadyLine;

/**
 * A gateway or game node running in its own JVM, started by a test with the test's classpath. It is
 * ready when it prints its {@link ReadyLine}; its output goes to files under target/ so a failed
 * test can be read afterwards. Stopped by its own process handle, never by name.
 */
final class ServiceProcess implements AutoCloseable {
    /** The options the launcher and the benchmark run the servers with; the tests run from system-tests/. */
    private static final Path JVM_OPTIONS =
            Path.of("..", "deploy", "jvm.options").toAbsolutePath().normalize();

    /** The system property whose options {@link #start} adds to every server's java command. */
    static final String EXTRA_JVM_OPTIONS = "systest.serverJvmOptions";

    private final String name;
    private final Process process;
    private final CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
    private final Path stdout;
    private final Path stderr;

    private ServiceProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static ServiceProcess start(String name, String mainClass, List<String> args, Path logDir) throws IOException {
        return start(name, mainClass, args, logDir, List.of());
    }

    /**
     * As {@link #start(String, String, List, Path)}, the java command run by {@code launcher} (e.g.
     * {@code ip netns exec NS}, which execs it: the pid stays the java's).
     */
    static ServiceProcess start(String name, String mainClass, List<String> args, Path logDir, List<String> launcher)
            throws IOException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A small heap and the serial collector, which runs no GC threads beside the application: seven
        // JVMs share two cores in the fault tests. The launcher's default (G1, 512 MB) measured the same
        // failover figures (docs/notes/2026-11-28-failover-timing.md, "The figure over time").
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        // Every pause of the whole JVM (a GC, a safepoint), with wall-clock times to line up with the
        // other logs: a stop that waited for a starved thread shows as a long "Reaching safepoint".
        command.add("-Xlog:gc,safepoint:file=" + logDir.resolve(name + "-gc.log") + ":time");
        command.add("@" + JVM_OPTIONS);
        // Extra options for every server this test JVM starts (space-separated), e.g. Hazelcast
        // properties the flags do not set: the benchmarks compare such settings side by side.
        String extra = System.getProperty(EXTRA_JVM_OPTIONS, "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        // The same as the runnable jars' manifests grant Hazelcast.
        command.addAll(List.of(
                "--add-opens",
                "java.base/java.lang=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens",
                "java.management/sun.management=ALL-UNNAMED",
                "--add-opens",
                "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "--add-exports",
                "java.base/jdk.internal.ref=ALL-UNNAMED"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        // Appended, not truncated: when Surefire reruns a failed test, the failed attempt's logs stay.
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        ServiceProcess service = new ServiceProcess(name, process, out, err);
        Thread reader = new Thread(service::pumpStdout, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return service;
    }

    private void pumpStdout() {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter log = new PrintWriter(
                        Files.newBufferedWriter(stdout, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            for (String line; (line = in.readLine()) != null; ) {
                log.println(line);
                Map<String, String> fields = ReadyLine.parse(line);
                if (fields != null) {
                    ready.complete(fields);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException(name + " exited before it was ready; see " + stderr));
    }

    /** Waits for the ready line and returns its fields. */
    Map<String, String> awaitReady(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutException(name + " not ready after " + timeout + "; see " + stderr);
        }
    }

    Map<String, String> readyFields() {
        return ready.getNow(Map.of());
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: the process dies at once, its sockets close, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") still runs 10 s after kill -9");
        }
    }

    /** SIGTERM: the process runs its graceful stop; {@link #awaitExit} tells when it is done. */
    void terminate() {
        process.destroy();
    }

    /** SIGSTOP / SIGCONT by this process's own pid: it hangs (sockets stay open) and later resumes. */
    void pause(boolean paused) throws IOException, InterruptedException {
        Process signal = new ProcessBuilder("kill", paused ? "-STOP" : "-CONT", Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (signal.waitFor() != 0) {
            throw new IOException("kill " + (paused ? "-STOP " : "-CONT ") + process.pid() + " failed");
        }
    }

    /** Waits for the process to end by itself; its exit code, or empty if it still runs after {@code timeout}. */
    java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? java.util.OptionalInt.of(process.exitValue())
                : java.util.OptionalInt.empty();
    }

    /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            pause(false); // a paused process cannot act on SIGTERM
        } catch (IOException e) {
            // It is being stopped anyway; SIGKILL below works on a paused process too.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
