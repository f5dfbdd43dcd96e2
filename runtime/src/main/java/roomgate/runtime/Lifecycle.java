package roomgate.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a process's stop. {@code main} registers each part right after starting it;
 * {@link #stop()} (called by the JVM's shutdown hook on SIGTERM, or by a test) stops the parts in
 * the reverse order, so that whatever a part uses is still there while it stops: a gateway tells
 * its clients goodbye before it leaves the cluster, a node drains before its links close.
 *
 * <p>Each part gets a bounded time: a part that hangs is logged and left behind, so that the rest
 * still stop and the process still exits. A part that fails is logged and does not keep the others
 * from stopping.
 */
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    /** How long a part may take to stop unless it says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** What stops one part. */
    @FunctionalInterface
    public interface Stop {
        void stop() throws Exception;
    }

    private record Part(String name, Stop stop, Duration timeout) {}

    private final String process;
    private final Deque<Part> parts = new ArrayDeque<>();
    private boolean stopped;

    public Lifecycle(String process) {
        this.process = Objects.requireNonNull(process, "process");
    }

    /** A lifecycle that a JVM shutdown hook stops: SIGTERM and SIGINT stop the process in order. */
    public static Lifecycle onShutdownHook(String process) {
        Lifecycle lifecycle = new Lifecycle(process);
        Runtime.getRuntime().addShutdownHook(new Thread(lifecycle::stop, "shutdown"));
        return lifecycle;
    }

    /** Stops {@code stop} before every part registered earlier, within {@link #DEFAULT_TIMEOUT}. */
    public void onStop(String name, Stop stop) {
        onStop(name, DEFAULT_TIMEOUT, stop);
    }

    /** Stops {@code stop} before every part registered earlier, giving it up to {@code timeout}. */
    public synchronized void onStop(String name, Duration timeout, Stop stop) {
        if (stopped) {
            throw new IllegalStateException(process + " is stopping; cannot add " + name);
        }
        parts.push(new Part(
                Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(stop, "stop"),
                Objects.requireNonNull(timeout, "timeout")));
    }

    /**
     * Stops every part, the last registered first, and returns the names of those that failed or
     * did not finish in time. Only the first call stops anything.
     */
    public List<String> stop() {
        List<Part> order;
        synchronized (this) {
            if (stopped) {
                return List.of();
            }
            stopped = true;
            order = new ArrayList<>(parts);
        }
        log.info("{} stopping", process);
        List<String> failed = new ArrayList<>();
        for (Part part : order) {
            if (!stopPart(part)) {
                failed.add(part.name());
            }
        }
        log.info("{} stopped{}", process, failed.isEmpty() ? "" : "; not stopped cleanly: " + failed);
        return failed;
    }

    private static boolean stopPart(Part part) {
        // A thread per part, so that one that hangs cannot hold up the ones after it.
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread worker = new Thread(
                () -> {
                    try {
                        part.stop().stop();
                        done.complete(null);
                    } catch (Throwable e) {
                        done.completeExceptionally(e);
                    }
                },
                "stop-" + part.name());
        worker.setDaemon(true);
        worker.start();
        try {
            done.get(part.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            log.warn(
                    "stopping {} took longer than {} ms; going on without it",
                    part.name(),
                    part.timeout().toMillis());
        } catch (ExecutionException e) {
            log.warn("stopping {} failed: {}", part.name(), e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while stopping {}", part.name());
        }
        return false;
    }
}
