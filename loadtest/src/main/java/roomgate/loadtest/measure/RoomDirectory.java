package roomgate.loadtest.measure;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The rooms a run is measuring, by room ID: where each client's messages find their {@link RoomWatch}. */
public final class RoomDirectory {
    private final Map<String, RoomWatch> rooms = new ConcurrentHashMap<>();

    public RoomWatch add(RoomWatch watch) {
        rooms.put(watch.roomId(), watch);
        return watch;
    }

    public RoomWatch get(String roomId) {
        return rooms.get(roomId);
    }

    public void remove(String roomId) {
        rooms.remove(roomId);
    }

    public Collection<RoomWatch> all() {
        return rooms.values();
    }
}
