package roomgate.gateway.routing;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;

/**
 * Nodes whose link failed or that left the view, by id: not placed on, and named in every request
 * and rejoin, so that a node whose own view still lags may take their rooms over. A node is marked
 * when a link to it fails and stays marked until a link opened after that completes its handshake
 * ({@link #reachable}): a node still in the view is probed for that (see {@code Router.probe}), and
 * a mark that outlived its cause would let other nodes take the rooms of a live owner. A node gone
 * from the view is named for a while longer and then forgotten; a new incarnation of it is not
 * marked by its predecessor's failure.
 *
 * <p>One per gateway, shared by the routers of all its event loops: a node one loop cannot reach is
 * unreachable for every loop, and comes back for every loop at once, so the sessions of one room
 * spread over several loops never follow different owners. Thread-safe; read lock-free: each loop
 * reads it on its own thread; {@code onMarked} hears, on the marking thread, of each node newly
 * marked (a node not marked before, or a new incarnation of it), so that the other loops can move
 * its rooms too, and {@code onReachable}, on the thread that found it, of each mark cleared by a
 * handshake, so that every loop links to the node again.
 */
final class UnreachableNodes {
    // Router's logger, as before this was split out of it: the warning is what operators search for.
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** A node gone from the view is named for this long: every other node's view has caught up by then. */
    static final long FORGET_UNREACHABLE_NANOS = 60_000_000_000L;

    /**
     * A marked node still in the view is probed (a new link) this long after its mark, then at twice
     * the previous pause, up to PROBE_MAX_MILLIS: once a cut heals, its mark ends within about that
     * much (plus a connect's own retry), while a long cut costs one connection attempt a second.
     */
    static final long PROBE_FIRST_MILLIS = 200;

    static final long PROBE_MAX_MILLIS = 1_000;

    /**
     * A node we could not reach: which incarnation, since when (its latest failure), and which
     * episode (one per time it became news, so a probe knows whether the mark it serves still stands).
     */
    private record Unreachable(UUID memberUuid, long sinceNanos, long episode) {}

    private final Supplier<NodeView> view;
    private final LongSupplier nanoClock;
    private final Consumer<NodeInfo> onMarked;
    private final Consumer<NodeInfo> onReachable;
    private final AtomicLong episodes = new AtomicLong();
    private final Map<String, Unreachable> nodes = new ConcurrentHashMap<>();
    private final Set<String> ids = Collections.unmodifiableSet(nodes.keySet());

    UnreachableNodes(
            Supplier<NodeView> view,
            LongSupplier nanoClock,
            Consumer<NodeInfo> onMarked,
            Consumer<NodeInfo> onReachable) {
        this.view = view;
        this.nanoClock = nanoClock;
        this.onMarked = onMarked;
        this.onReachable = onReachable;
    }

    /**
     * Marks {@code node} unreachable as of now; tells {@code onMarked} if that is news. Answers the
     * new episode's number (never 0) if it is news, else 0.
     */
    long mark(NodeInfo node) {
        long now = nanoClock.getAsLong();
        long[] news = {0};
        nodes.compute(node.nodeId(), (id, before) -> {
            if (before != null && before.memberUuid().equals(node.memberUuid())) {
                return new Unreachable(before.memberUuid(), now, before.episode());
            }
            news[0] = episodes.incrementAndGet();
            return new Unreachable(node.memberUuid(), now, news[0]);
        });
        if (news[0] != 0) {
            log.warn("node {} unreachable; moving its rooms", node.nodeId());
            onMarked.accept(node);
        }
        return news[0];
    }

    /**
     * A link to {@code node} opened at {@code openedNanos} has completed its handshake: the node is
     * reachable again, and its mark ends for every loop (true; {@code onReachable} is told). Not if
     * the mark is newer than the link (a failure seen since), is another incarnation's, or names a
     * node gone from the view (named for its forget window whatever its links say).
     */
    boolean reachable(NodeInfo node, long openedNanos) {
        Unreachable marked = nodes.get(node.nodeId());
        if (marked == null
                || !marked.memberUuid().equals(node.memberUuid())
                || marked.sinceNanos() - openedNanos > 0
                || !view.get().contains(node)) {
            return false;
        }
        if (!nodes.remove(node.nodeId(), marked)) {
            return false; // marked afresh meanwhile, by another loop: that failure is newer
        }
        log.info("node {} reachable again; placing rooms on it", node.nodeId());
        onReachable.accept(node);
        return true;
    }

    /** Whether the mark of that episode (from {@link #mark}) still stands: not cleared, forgotten, or replaced. */
    boolean stillMarked(NodeInfo node, long episode) {
        if (!ids().contains(node.nodeId())) {
            return false;
        }
        Unreachable marked = nodes.get(node.nodeId());
        return marked != null && marked.episode() == episode;
    }

    /**
     * The node ids not to place on (and to name as unreachable), after dropping the marks that no
     * longer apply: a new incarnation's, and those of nodes gone from the view for the forget window.
     * A live view of the set: it may change under the caller as other loops mark nodes.
     */
    Set<String> ids() {
        if (!nodes.isEmpty()) {
            long now = nanoClock.getAsLong();
            NodeView current = view.get();
            for (Map.Entry<String, Unreachable> e : nodes.entrySet()) {
                NodeInfo live = current.byId(e.getKey()).orElse(null);
                boolean expired = live == null
                        ? now - e.getValue().sinceNanos() > FORGET_UNREACHABLE_NANOS
                        : !live.memberUuid().equals(e.getValue().memberUuid());
                if (expired) {
                    // Only this entry: another loop may have marked the node afresh meanwhile.
                    nodes.remove(e.getKey(), e.getValue());
                }
            }
        }
        return ids;
    }
}
