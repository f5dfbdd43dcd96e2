package roomgate.gateway.routing;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import roomgate.cluster.NodeInfo;
import roomgate.cluster.NodeView;
import roomgate.gateway.session.ClientSession;
import roomgate.link.RoomRequests;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.RoomBroadcast;
import roomgate.protocol.link.v1.SessionClosed;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.transport.Transport;
import roomgate.websocket.Delivery;

/**
 * Routing and fan-out for the sessions of one event loop. It sends each room request to the node
 * that owns the room — by rendezvous hashing over the live nodes, or, while sessions of this loop
 * are seated in the room, to the node that seated them — over this loop's link to that node, and
 * fans each room event that arrives on a link out to the loop's sessions in that room. Everything
 * here runs on the one event loop, so it needs no locks.
 */
public final class Router {
    private final EventLoop loop;
    private final String gatewayId;
    private final Supplier<NodeView> view;
    private final Transport transport;
    private final Map<Long, ClientSession> sessions = new HashMap<>();
    private final Map<String, LocalRoom> rooms = new HashMap<>();
    private final Map<String, NodeLink> links = new HashMap<>();

    /** A room with sessions on this loop: the node serving it and those sessions. */
    private record LocalRoom(NodeInfo node, Set<ClientSession> sessions) {}

    Router(EventLoop loop, String gatewayId, Supplier<NodeView> view, Transport transport) {
        this.loop = loop;
        this.gatewayId = gatewayId;
        this.view = view;
        this.transport = transport;
    }

    public void register(ClientSession session) {
        assert loop.inEventLoop();
        sessions.put(session.id(), session);
    }

    /** Sends a join, leave, move or chat to the node of its room. */
    public void forward(ClientSession session, ClientMessage message, String roomId) {
        assert loop.inEventLoop();
        LocalRoom local = rooms.get(roomId);
        NodeInfo node = local != null ? local.node() : view.get().ownerOf(roomId);
        if (node == null) {
            session.error(message.getRequestId(), ErrorCode.ROOM_UNAVAILABLE, roomId,
                    "no game node is live; retry later");
            return;
        }
        LinkFrame frame = LinkFrame.newBuilder()
                .setRequest(SessionRequest.newBuilder().setSessionId(session.id()).setMessage(message))
                .build();
        if (!linkTo(node).send(frame)) {
            session.error(message.getRequestId(), ErrorCode.ROOM_UNAVAILABLE, roomId,
                    "node " + node.nodeId() + " cannot be reached; retry later");
        }
    }

    public void sessionClosed(ClientSession session) {
        assert loop.inEventLoop();
        sessions.remove(session.id());
        Map<NodeInfo, List<String>> byNode = new HashMap<>();
        for (String roomId : session.rooms()) {
            LocalRoom local = rooms.get(roomId);
            if (local != null) {
                byNode.computeIfAbsent(local.node(), n -> new ArrayList<>()).add(roomId);
                unseat(session, roomId);
            }
        }
        byNode.forEach((node, roomIds) -> linkTo(node).send(LinkFrame.newBuilder()
                .setSessionClosed(SessionClosed.newBuilder().setSessionId(session.id()).addAllRoomIds(roomIds))
                .build()));
        session.rooms().clear();
    }

    void onReply(NodeLink link, SessionReply reply) {
        ClientSession session = sessions.get(reply.getSessionId());
        if (session == null) {
            if (!reply.getJoinedRoomId().isEmpty()) {
                // Seated after it hung up: tell the node it is gone, or the seat stays taken.
                link.send(LinkFrame.newBuilder().setSessionClosed(SessionClosed.newBuilder()
                        .setSessionId(reply.getSessionId()).addRoomIds(reply.getJoinedRoomId())).build());
            }
            return;
        }
        if (!reply.getJoinedRoomId().isEmpty()) {
            seat(session, reply.getJoinedRoomId(), link.node());
        }
        if (!reply.getLeftRoomId().isEmpty()) {
            unseat(session, reply.getLeftRoomId());
            session.rooms().remove(reply.getLeftRoomId());
        }
        session.deliver(Delivery.ofBytes(reply.getServerMessage()));
    }

    void onBroadcast(RoomBroadcast broadcast) {
        LocalRoom local = rooms.get(broadcast.getRoomId());
        if (local == null) {
            return;
        }
        Delivery delivery = Delivery.ofBytes(broadcast.getServerMessage());
        for (ClientSession session : local.sessions()) {
            session.deliver(session.id() == broadcast.getOriginSessionId()
                    ? delivery.withRequestId(broadcast.getOriginRequestId())
                    : delivery);
        }
    }

    /** The node is gone or unreachable: its rooms' sessions are told, and unseated. */
    void onLinkClosed(NodeLink link, List<LinkFrame> unsent) {
        NodeInfo node = link.node();
        links.remove(node.nodeId(), link);
        for (LinkFrame frame : unsent) {
            if (frame.hasRequest()) {
                ClientSession session = sessions.get(frame.getRequest().getSessionId());
                if (session != null) {
                    ClientMessage message = frame.getRequest().getMessage();
                    session.error(message.getRequestId(), ErrorCode.ROOM_UNAVAILABLE,
                            RoomRequests.roomIdOf(message),
                            "node " + node.nodeId() + " cannot be reached; retry later");
                }
            }
        }
        Iterator<Map.Entry<String, LocalRoom>> it = rooms.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, LocalRoom> entry = it.next();
            if (!entry.getValue().node().equals(node)) {
                continue;
            }
            it.remove();
            for (ClientSession session : entry.getValue().sessions()) {
                session.rooms().remove(entry.getKey());
                session.error("", ErrorCode.ROOM_UNAVAILABLE, entry.getKey(),
                        "node " + node.nodeId() + " went away; join the room again");
            }
        }
    }

    private void seat(ClientSession session, String roomId, NodeInfo node) {
        rooms.computeIfAbsent(roomId, r -> new LocalRoom(node, new LinkedHashSet<>())).sessions().add(session);
        session.rooms().add(roomId);
    }

    private void unseat(ClientSession session, String roomId) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.sessions().remove(session) && local.sessions().isEmpty()) {
            rooms.remove(roomId);
        }
    }

    private NodeLink linkTo(NodeInfo node) {
        NodeLink link = links.get(node.nodeId());
        if (link != null && !link.isClosed() && link.node().equals(node)) {
            return link;
        }
        if (link != null) {
            // The node restarted under the same id at a new address: the old link is stale.
            link.close();
        }
        NodeLink opened = NodeLink.open(this, loop, node, transport, gatewayId);
        if (!opened.isClosed()) {
            links.put(node.nodeId(), opened);
        }
        return opened;
    }
}
