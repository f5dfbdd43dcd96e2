package roomgate.gateway.routing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import roomgate.runtime.LogThrottle;

/**
 * Which failed connection attempts to a node are logged: the first of an outage, then one line per
 * interval saying how many were not. While a node is down the gateway probes it about once a second
 * (Router.probe), and each probe's failure is the same line; an outage of minutes would otherwise
 * bury everything else in the log. A node's outage ends when a link to it completes its handshake
 * ({@link #reachable}): its next failure is logged at once. Thread-safe: every event loop probes and
 * links through it.
 */
final class ConnectFailureLog {
    private final Duration interval;
    private final LongSupplier nanoTime;
    private final Map<String, LogThrottle> byNode = new ConcurrentHashMap<>();

    ConnectFailureLog(Duration interval, LongSupplier nanoTime) {
        this.interval = interval;
        this.nanoTime = nanoTime;
    }

    /**
     * A connection attempt to {@code nodeId} failed: {@link LogThrottle#HOLD} if it is not to be
     * logged, else how many failures were held back since the last one logged.
     */
    long failed(String nodeId) {
        return byNode.computeIfAbsent(nodeId, id -> new LogThrottle(interval, nanoTime))
                .admit();
    }

    /** A link to {@code nodeId} is up: its outage, if any, is over. */
    void reachable(String nodeId) {
        byNode.remove(nodeId);
    }
}
