package roomgate.node.link;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links the node closed because their peer did not prove it is a gateway: counted by reason, and
 * logged at most once a minute per peer address (an intruder retrying in a loop would otherwise
 * bury the log), with how many refusals of that peer went unlogged meanwhile. Called from the link
 * event loops.
 */
final class LinkRefusals {
    private static final Logger log = LoggerFactory.getLogger(LinkRefusals.class);
    static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
    /** Past this many peers remembered, the memory is cleared: a scan from many addresses cannot grow it. */
    private static final int MAX_PEERS = 4096;

    enum Reason {
        /** The first frame was not a Hello. */
        NO_HELLO,
        /** A Hello whose proof does not answer this connection's challenge. */
        BAD_PROOF,
        /** No Hello within the link timeout. */
        TIMEOUT
    }

    private record Logged(long atNanos, long heldBack) {}

    private final Counter[] counters = new Counter[Reason.values().length];
    private final Map<InetAddress, Logged> peers = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    LinkRefusals(MeterRegistry meters, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        for (Reason reason : Reason.values()) {
            counters[reason.ordinal()] = Counter.builder("roomgate.node.links.refused")
                    .description("Links closed before any other frame because the peer did not prove it is a gateway")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                    .register(meters);
        }
    }

    /** Counts the refusal; true if it was logged (false while the peer's minute of silence lasts). */
    boolean refused(SocketAddress peer, Reason reason, String claimedGatewayId) {
        counters[reason.ordinal()].increment();
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        long now = nanoTime.getAsLong();
        if (peers.size() > MAX_PEERS) {
            peers.clear();
        }
        long[] heldBack = {-1};
        if (address != null) {
            peers.compute(address, (a, last) -> {
                if (last != null && now - last.atNanos() < LOG_INTERVAL_NANOS) {
                    return new Logged(last.atNanos(), last.heldBack() + 1);
                }
                heldBack[0] = last == null ? 0 : last.heldBack();
                return new Logged(now, 0);
            });
        } else {
            heldBack[0] = 0;
        }
        if (heldBack[0] < 0) {
            return false;
        }
        log.warn(
                "link from {} refused ({}, claimed gateway id '{}'): it did not prove it holds the link secret;"
                        + " {} more refusals of that address since the last such line",
                peer,
                reason,
                claimedGatewayId,
                heldBack[0]);
        return true;
    }

    double count(Reason reason) {
        return counters[reason.ordinal()].count();
    }
}
