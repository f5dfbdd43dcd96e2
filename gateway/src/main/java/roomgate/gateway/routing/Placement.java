package roomgate.gateway.routing;

import java.util.function.Supplier;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;

/**
 * Which node to send a room to when this loop has no node for it yet, or a node names another:
 * only live nodes this loop can reach. Rendezvous hashing itself is the view's; this leaves out
 * the nodes in {@link UnreachableNodes}.
 */
final class Placement {
    private final Supplier<NodeView> view;
    private final UnreachableNodes unreachable;

    Placement(Supplier<NodeView> view, UnreachableNodes unreachable) {
        this.view = view;
        this.unreachable = unreachable;
    }

    /** Where a room without sessions here goes: rendezvous hashing over the reachable nodes; null if none. */
    NodeInfo ownerOf(String roomId) {
        return view.get().ownerOf(roomId, unreachable.ids());
    }

    /** The live node of that id, unless it is unreachable; null if not. */
    NodeInfo reachable(String nodeId) {
        if (unreachable.ids().contains(nodeId)) {
            return null;
        }
        return view.get().byId(nodeId).orElse(null);
    }
}
