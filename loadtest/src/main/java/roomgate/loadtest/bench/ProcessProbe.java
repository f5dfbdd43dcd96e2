package roomgate.loadtest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a benchmark needs to know about other processes on this machine (Linux): CPU time
 * from {@code /proc/PID/stat} (user + system, all threads), resident memory from
 * {@code /proc/PID/status}, and for a JVM its heap in use after a full GC, through {@code jcmd}.
 */
public final class ProcessProbe {
    /** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture we run on. */
    static final long NANOS_PER_TICK = 10_000_000L;

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private ProcessProbe() {}

    /** CPU time (user + system) of all {@code pids} so far, in nanoseconds; 0 for none. */
    public static long cpuNanos(List<Long> pids) throws IOException {
        long ticks = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; the fields we want follow its closing ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks * NANOS_PER_TICK;
    }

    /** Resident set size of all {@code pids}, in bytes. */
    public static long rssBytes(List<Long> pids) throws IOException {
        long kb = 0;
        for (long pid : pids) {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return kb * 1024;
    }

    /**
     * Heap in use by the JVM {@code pid} right after a full GC, in bytes: {@code jcmd PID GC.run},
     * then the first "used NK" of {@code jcmd PID GC.heap_info}.
     */
    public static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IOException("no heap figure in jcmd " + pid + " GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}
