package roomgate.gateway.routing;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import roomgate.gateway.session.ClientSession;
import roomgate.placement.NodeInfo;

/**
 * The rooms this loop's sessions are seated in, by id. A room is kept while it has sessions here
 * or is moving (its requests held), and forgotten after. Confined to one event loop.
 */
final class LocalRooms {
    private final Map<String, LocalRoom> rooms = new HashMap<>();
    /**
     * The same rooms by their ids' UTF-8 bytes: a room event names its room in the link frame's
     * bytes, looked up through one reusable probe key, so the fan-out finds the room without
     * decoding a String or making a key per event ({@link RoomIdKey}: why not the ByteBuf itself).
     */
    private final Map<RoomIdKey, LocalRoom> byUtf8 = new HashMap<>();

    private final RoomIdKey probe = RoomIdKey.newProbe();

    LocalRoom get(String roomId) {
        return rooms.get(roomId);
    }

    /** The room whose id is these UTF-8 bytes (only read), or null. */
    LocalRoom get(ByteBuf roomIdUtf8) {
        LocalRoom local = byUtf8.get(probe.probe(roomIdUtf8));
        probe.clear();
        return local;
    }

    /** The room as it is now, added (served by {@code node}) if this loop had none. */
    LocalRoom getOrAdd(String roomId, NodeInfo node) {
        LocalRoom local = rooms.get(roomId);
        if (local == null) {
            local = new LocalRoom(roomId, node);
            rooms.put(roomId, local);
            byUtf8.put(RoomIdKey.of(roomId), local);
        }
        return local;
    }

    void remove(String roomId) {
        if (rooms.remove(roomId) != null) {
            byUtf8.remove(RoomIdKey.of(roomId));
        }
    }

    /** A copy, to move rooms while going through them (a failed move removes its room). */
    List<LocalRoom> snapshot() {
        return new ArrayList<>(rooms.values());
    }

    /** Seats the session in the room, which is added, served by {@code node}, if new here. */
    LocalRoom seat(ClientSession session, String roomId, NodeInfo node) {
        LocalRoom local = getOrAdd(roomId, node);
        local.sessions.add(session);
        session.rooms().add(roomId);
        return local;
    }

    /** Takes the session out of the room's fan-out; a room left empty and not moving is forgotten. */
    void unseat(ClientSession session, String roomId) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.sessions.remove(session) && local.sessions.isEmpty() && !local.isMoving()) {
            remove(roomId);
        }
    }
}
