package roomgate.gateway.routing;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;

/**
 * Nodes whose link failed or that left the view, by id: not placed on, and named in every request
 * and rejoin, so that a node whose own view still lags may take their rooms over. Each is kept only
 * as long as that is useful (see the two windows). Confined to one event loop, like its router.
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
    private final Map<String, Unreachable> nodes = new HashMap<>();

    UnreachableNodes(Supplier<NodeView> view, LongSupplier nanoClock) {
        this.view = view;
        this.nanoClock = nanoClock;
    }

    void mark(NodeInfo node) {
        if (nodes.put(node.nodeId(), new Unreachable(node.memberUuid(), nanoClock.getAsLong())) == null) {
            log.warn("node {} unreachable; moving its rooms", node.nodeId());
        }
    }

    /** Marks the node of that id as the view has it now; nothing if it is not in the view. */
    void mark(String nodeId) {
        view.get().byId(nodeId).ifPresent(this::mark);
    }

    /** The node ids not to place on (and to name as unreachable), after dropping those worth another try. */
    Set<String> ids() {
        if (!nodes.isEmpty()) {
            long now = nanoClock.getAsLong();
            NodeView current = view.get();
            nodes.entrySet().removeIf(e -> {
                NodeInfo live = current.byId(e.getKey()).orElse(null);
                long age = now - e.getValue().sinceNanos();
                if (live == null) {
                    return age > FORGET_UNREACHABLE_NANOS;
                }
                return !live.memberUuid().equals(e.getValue().memberUuid()) || age > RETRY_UNREACHABLE_NANOS;
            });
        }
        return nodes.keySet();
    }
}
