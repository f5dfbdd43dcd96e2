package roomgate.gateway.routing;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;

/**
 * Nodes whose link failed or that left the view, by id: not placed on, and named in every request
 * and rejoin, so that a node whose own view still lags may take their rooms over. Each is kept only
 * as long as that is useful (see the two windows).
 *
 * <p>One per gateway, shared by the routers of all its event loops: a node one loop cannot reach is
 * unreachable for every loop, and comes back for every loop at once, so the sessions of one room
 * spread over several loops never follow different owners. Thread-safe and lock-free: each loop
 * reads it on its own thread; {@code onMarked} hears, on the marking thread, of each node newly
 * marked (a node not marked before, or a new incarnation of it), so that the other loops can move
 * its rooms too.
 */
final class UnreachableNodes {
    // Router's logger, as before this was split out of it: the warning is what operators search for.
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** A node still in the view is tried again after this: its link may have failed for a passing reason. */
    static final long RETRY_UNREACHABLE_NANOS = 10_000_000_000L;
    /** A node gone from the view is named for this long: every other node's view has caught up by then. */
    static final long FORGET_UNREACHABLE_NANOS = 60_000_000_000L;

    /** A node we could not reach: which incarnation, and since when. */
    private record Unreachable(UUID memberUuid, long sinceNanos) {}

    private final Supplier<NodeView> view;
    private final LongSupplier nanoClock;
    private final Consumer<NodeInfo> onMarked;
    private final Map<String, Unreachable> nodes = new ConcurrentHashMap<>();
    private final Set<String> ids = Collections.unmodifiableSet(nodes.keySet());

    UnreachableNodes(Supplier<NodeView> view, LongSupplier nanoClock, Consumer<NodeInfo> onMarked) {
        this.view = view;
        this.nanoClock = nanoClock;
        this.onMarked = onMarked;
    }

    /** Marks {@code node} unreachable (again: its window starts over); tells {@code onMarked} if that is news. */
    void mark(NodeInfo node) {
        Unreachable now = new Unreachable(node.memberUuid(), nanoClock.getAsLong());
        Unreachable before = nodes.put(node.nodeId(), now);
        if (before == null || !before.memberUuid().equals(node.memberUuid())) {
            log.warn("node {} unreachable; moving its rooms", node.nodeId());
            onMarked.accept(node);
        }
    }

    /** Marks the node of that id as the view has it now; nothing if it is not in the view. */
    void mark(String nodeId) {
        view.get().byId(nodeId).ifPresent(this::mark);
    }

    /**
     * The node ids not to place on (and to name as unreachable), after dropping those worth another
     * try. A live view of the set: it may change under the caller as other loops mark nodes.
     */
    Set<String> ids() {
        if (!nodes.isEmpty()) {
            long now = nanoClock.getAsLong();
            NodeView current = view.get();
            for (Map.Entry<String, Unreachable> e : nodes.entrySet()) {
                NodeInfo live = current.byId(e.getKey()).orElse(null);
                long age = now - e.getValue().sinceNanos();
                boolean expired = live == null
                        ? age > FORGET_UNREACHABLE_NANOS
                        : !live.memberUuid().equals(e.getValue().memberUuid()) || age > RETRY_UNREACHABLE_NANOS;
                if (expired) {
                    // Only this entry: another loop may have marked the node afresh meanwhile.
                    nodes.remove(e.getKey(), e.getValue());
                }
            }
        }
        return ids;
    }
}
