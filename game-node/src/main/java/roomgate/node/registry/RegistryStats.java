package roomgate.node.registry;

/** What a node publishes about its rooms: how many, how many connected sessions, their epoch range. */
public record RegistryStats(long rooms, long sessions, long minEpoch, long maxEpoch) {
    static final RegistryStats NONE = new RegistryStats(0, 0, 0, 0);

    RegistryStats plus(RegistryStats other) {
        if (other.rooms == 0) {
            return new RegistryStats(rooms, sessions + other.sessions, minEpoch, maxEpoch);
        }
        if (rooms == 0) {
            return new RegistryStats(other.rooms, sessions + other.sessions, other.minEpoch, other.maxEpoch);
        }
        return new RegistryStats(
                rooms + other.rooms,
                sessions + other.sessions,
                Math.min(minEpoch, other.minEpoch),
                Math.max(maxEpoch, other.maxEpoch));
    }
}
