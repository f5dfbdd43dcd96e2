package roomgate.gateway.routing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import roomgate.gateway.session.ClientSession;
import roomgate.placement.NodeInfo;
import roomgate.protocol.link.v1.LinkFrame;

/** A room with sessions on this loop: where it is served, who is in it, and its move if one is under way. */
final class LocalRoom {
    final String roomId;
    /** The node this loop sends the room's requests to (while moving: the node being asked to take it). */
    NodeInfo node;

    final Set<ClientSession> sessions = new LinkedHashSet<>();
    /** The last event sequence this loop's sessions have all received. */
    long lastSequence;
    /** While the room moves: requests wait here, in arrival order. */
    List<LinkFrame> held;
    /** When the current move gives up (its clients unseated) unless a node has taken the room; 0 when none. */
    long giveUpNanos;

    LocalRoom(String roomId, NodeInfo node) {
        this.roomId = roomId;
        this.node = node;
    }

    boolean isMoving() {
        return held != null;
    }

    /** Holds the room's requests from now on (it is moving); the list they wait in. */
    List<LinkFrame> hold() {
        if (held == null) {
            held = new ArrayList<>();
        }
        return held;
    }
}
