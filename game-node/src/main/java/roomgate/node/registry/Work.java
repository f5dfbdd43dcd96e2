package roomgate.node.registry;

import java.util.List;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.wire.client.RoomRequests;

/** A request or a rejoin, as it arrived on a link: what a stripe serves, holds or redirects. */
record Work(GatewayLink link, SessionRequest request, Rejoin rejoin) {

    String roomId() {
        return request != null ? RoomRequests.roomIdOf(request.getMessage()) : rejoin.getRoomId();
    }

    List<String> unreachable() {
        return request != null ? request.getUnreachableNodeIdsList() : rejoin.getUnreachableNodeIdsList();
    }

    int hops() {
        return request != null ? request.getHops() : rejoin.getHops();
    }
}
