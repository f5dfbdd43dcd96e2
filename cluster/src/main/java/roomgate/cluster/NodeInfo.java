package roomgate.cluster;

import com.hazelcast.cluster.Member;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A live game node as every other member sees it: its id, where its node-link server listens, and
 * its process id (so operators and tests can tell which JVM serves a room). A node publishes these
 * as Hazelcast member attributes when it joins; gateways read them from membership events.
 */
public record NodeInfo(String nodeId, String linkHost, int linkPort, long pid, UUID memberUuid) {

    static final String ROLE = "roomgate.role";
    static final String ROLE_NODE = "node";
    static final String NODE_ID = "roomgate.node-id";
    static final String LINK_HOST = "roomgate.link-host";
    static final String LINK_PORT = "roomgate.link-port";
    static final String PID = "roomgate.pid";

    public NodeInfo {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(linkHost, "linkHost");
    }

    /** The member attributes a game node publishes about itself. */
    public static Map<String, String> attributesOf(String nodeId, String linkHost, int linkPort, long pid) {
        return Map.of(
                ROLE, ROLE_NODE,
                NODE_ID, nodeId,
                LINK_HOST, linkHost,
                LINK_PORT, Integer.toString(linkPort),
                PID, Long.toString(pid));
    }

    /** The node a member is, or empty for members that are not game nodes (gateways, publishers). */
    public static Optional<NodeInfo> of(Member member) {
        if (member.isLiteMember() || !ROLE_NODE.equals(member.getAttribute(ROLE))) {
            return Optional.empty();
        }
        return Optional.of(new NodeInfo(
                member.getAttribute(NODE_ID),
                member.getAttribute(LINK_HOST),
                Integer.parseInt(member.getAttribute(LINK_PORT)),
                Long.parseLong(member.getAttribute(PID)),
                member.getUuid()));
    }
}
