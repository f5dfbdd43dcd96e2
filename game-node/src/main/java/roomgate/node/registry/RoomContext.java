package roomgate.node.registry;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.replication.RoomStore;

/**
 * What every room of a stripe shares: the node's id, the store, the stripe thread, how long a
 * disconnected participant keeps its seat, how long an empty room stays in memory, how long a
 * finished room stays joinable, where finished rooms go, and the meters.
 */
record RoomContext(
        String nodeId,
        RoomStore store,
        EventExecutor executor,
        Duration reconnectGrace,
        Duration idleRoomTtl,
        Duration finishedGrace,
        RoomArchive archive,
        NodeMetrics metrics) {

    /** Without an archive; a finished room stays as long as an idle one. */
    RoomContext(
            String nodeId,
            RoomStore store,
            EventExecutor executor,
            Duration reconnectGrace,
            Duration idleRoomTtl,
            NodeMetrics metrics) {
        this(nodeId, store, executor, reconnectGrace, idleRoomTtl, idleRoomTtl, RoomArchive.NONE, metrics);
    }
}
