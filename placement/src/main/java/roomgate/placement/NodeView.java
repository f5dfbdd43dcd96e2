package roomgate.placement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, versioned snapshot of the live game nodes, and placement over them. A gateway holds
 * the current view in a volatile field and routes every room with {@link #ownerOf}; a new view
 * replaces the old one whole when membership changes, so a lookup never sees a half-updated set.
 */
public final class NodeView {
    private static final NodeView EMPTY = new NodeView(0, List.of(), Set.of());

    private final long version;
    private final List<NodeInfo> nodes;
    private final Set<String> draining;
    private final long[] nodeHashes;
    private final boolean[] placeable;

    private NodeView(long version, List<NodeInfo> nodes, Set<String> draining) {
        this.version = version;
        this.nodes = nodes;
        this.draining = draining;
        this.nodeHashes = new long[nodes.size()];
        this.placeable = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            nodeHashes[i] = RendezvousHash.hash(nodes.get(i).nodeId());
            placeable[i] = !draining.contains(nodes.get(i).nodeId());
        }
    }

    public static NodeView empty() {
        return EMPTY;
    }

    public static NodeView of(long version, Collection<NodeInfo> nodes) {
        return of(version, nodes, Set.of());
    }

    /** A view in which the {@code draining} nodes still serve their rooms but get no new ones. */
    public static NodeView of(long version, Collection<NodeInfo> nodes, Set<String> draining) {
        List<NodeInfo> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(NodeInfo::nodeId));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).nodeId().equals(sorted.get(i - 1).nodeId())) {
                throw new IllegalArgumentException("node id '" + sorted.get(i).nodeId() + "' is used by two members");
            }
        }
        return new NodeView(version, List.copyOf(sorted), Set.copyOf(draining));
    }

    public long version() {
        return version;
    }

    /** The live nodes, ordered by node id. */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** The node a new room is placed on, or {@code null} when no node takes rooms. Allocation-free. */
    public NodeInfo ownerOf(CharSequence roomId) {
        return ownerOf(roomId, Set.of());
    }

    /** As {@link #ownerOf(CharSequence)}, leaving out the nodes whose ids are in {@code excluded}. */
    public NodeInfo ownerOf(CharSequence roomId, Set<String> excluded) {
        int best = -1;
        long bestScore = 0;
        long key = RendezvousHash.hash(roomId);
        for (int i = 0; i < nodeHashes.length; i++) {
            if (!placeable[i]
                    || (!excluded.isEmpty() && excluded.contains(nodes.get(i).nodeId()))) {
                continue;
            }
            long score = RendezvousHash.score(key, nodeHashes[i]);
            // Unsigned comparison: scores use the whole 64-bit range.
            if (best < 0 || Long.compareUnsigned(score, bestScore) > 0) {
                best = i;
                bestScore = score;
            }
        }
        return best < 0 ? null : nodes.get(best);
    }

    public boolean isDraining(String nodeId) {
        return draining.contains(nodeId);
    }

    /** Whether this exact member (id and incarnation) is live. */
    public boolean contains(NodeInfo node) {
        return nodes.contains(node);
    }

    public Optional<NodeInfo> byId(String nodeId) {
        for (NodeInfo node : nodes) {
            if (node.nodeId().equals(nodeId)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "NodeView{v" + version + " "
                + nodes.stream().map(NodeInfo::nodeId).toList() + (draining.isEmpty() ? "" : " draining " + draining)
                + "}";
    }
}
