package roomgate.node.registry;

import java.util.List;

/**
 * Where a room is in its stay on this stripe. A stripe holds exactly one phase per room it knows of
 * (none: it never heard of the room, or forgot it), in one map, so a room cannot be, say, loading
 * and live at once, and every request for it finds one answer:
 * <ul>
 *   <li>{@link Loading}: its claim is with the store; requests wait, in arrival order;
 *   <li>{@link Live}: this node owns it and serves it;
 *   <li>{@link HandingOff}: a drain moves it to its successor; it still serves the links the handoff
 *       told (they hold new requests), and holds requests from any other link;
 *   <li>{@link Moved}: it moved; requests are redirected to where it went.
 * </ul>
 */
sealed interface RoomPhase {

    /** The room this node serves in this phase, or null if it serves none. */
    default LiveRoom served() {
        return null;
    }

    record Loading(List<Work> waiting) implements RoomPhase {}

    record Live(LiveRoom room) implements RoomPhase {
        @Override
        public LiveRoom served() {
            return room;
        }
    }

    record HandingOff(LiveRoom room, Handoff handoff) implements RoomPhase {
        @Override
        public LiveRoom served() {
            return room;
        }
    }

    record Moved(String successor) implements RoomPhase {}
}
