package roomgate.gateway.routing;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;

/**
 * This loop's links, one per node id, opened through the {@link LinkConnector} when first needed
 * and replaced when stale. Confined to the loop.
 */
final class NodeLinks {
    private final Router router;
    private final EventLoop loop;
    private final LinkConnector connector;
    private final LinkOptions options;
    private final Map<String, NodeLink> links = new HashMap<>();

    NodeLinks(Router router, EventLoop loop, LinkConnector connector, LinkOptions options) {
        this.router = router;
        this.loop = loop;
        this.connector = connector;
        this.options = options;
    }

    /** The open link to {@code node}, opened now if there is none; a closed link if it cannot be opened. */
    NodeLink to(NodeInfo node) {
        NodeLink link = links.get(node.nodeId());
        if (link != null && !link.isClosed() && link.node().equals(node)) {
            return link;
        }
        if (link != null) {
            // The node restarted under the same id at a new address: the old link is stale.
            link.close();
        }
        NodeLink opened = NodeLink.open(router, loop, node, connector, options);
        if (!opened.isClosed()) {
            links.put(node.nodeId(), opened);
        }
        return opened;
    }

    /** Closes the link to {@code node} (that incarnation), if there is one; it reports its closing as any link does. */
    void close(NodeInfo node) {
        NodeLink link = links.get(node.nodeId());
        if (link != null && link.node().equals(node)) {
            link.close();
        }
    }

    /** Forgets a link that closed (unless another has replaced it already). */
    void closed(NodeLink link) {
        links.remove(link.node().nodeId(), link);
    }

    /** Closes the links to nodes no longer in {@code current}; each reports its closing as any link does. */
    void closeAllNotIn(NodeView current) {
        // A copy: a link may report its closing before close() returns.
        for (NodeLink link : new ArrayList<>(links.values())) {
            if (!current.contains(link.node())) {
                link.close();
            }
        }
    }
}
