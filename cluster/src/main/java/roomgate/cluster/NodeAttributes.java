package roomgate.cluster;

import com.hazelcast.cluster.Member;
import java.util.Map;
import java.util.Optional;
import roomgate.placement.NodeInfo;

/**
 * How a game node tells the cluster what it is: Hazelcast member attributes, set when it joins and
 * read by every other member from membership events.
 */
public final class NodeAttributes {
    static final String ROLE = "roomgate.role";
    static final String ROLE_NODE = "node";
    static final String NODE_ID = "roomgate.node-id";
    static final String LINK_HOST = "roomgate.link-host";
    static final String LINK_PORT = "roomgate.link-port";
    static final String PID = "roomgate.pid";

    private NodeAttributes() {}

    /** The member attributes a game node publishes about itself. */
    public static Map<String, String> of(String nodeId, String linkHost, int linkPort, long pid) {
        return Map.of(
                ROLE, ROLE_NODE,
                NODE_ID, nodeId,
                LINK_HOST, linkHost,
                LINK_PORT, Integer.toString(linkPort),
                PID, Long.toString(pid));
    }

    /** The node a member is, or empty for members that are not game nodes (gateways, publishers). */
    public static Optional<NodeInfo> nodeOf(Member member) {
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
