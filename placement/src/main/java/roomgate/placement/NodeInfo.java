package roomgate.placement;

import java.util.Objects;
import java.util.UUID;

/**
 * A live game node as every other member sees it: its id, where its node-link server listens, and
 * its process id (so operators and tests can tell which JVM serves a room). The cluster module
 * reads these from the member attributes a node publishes when it joins.
 */
public record NodeInfo(String nodeId, String linkHost, int linkPort, long pid, UUID memberUuid) {

    public NodeInfo {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(linkHost, "linkHost");
    }
}
