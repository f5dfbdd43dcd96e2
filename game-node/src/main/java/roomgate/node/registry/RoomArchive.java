package roomgate.node.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a finished room goes when it leaves memory: the archive's backlog. The stripe unloads a
 * finished room only once the backlog has taken it, so a room is always either in memory or
 * queued (its record stays in the cluster until its row is committed).
 */
public interface RoomArchive {
    /** No archive: a finished room leaves memory and its record stays in the cluster until it expires. */
    RoomArchive NONE = (roomId, epoch) -> CompletableFuture.completedFuture(true);

    /**
     * Queues the room, finished at {@code epoch}, for the archive. Completes with true when it is
     * queued, false when the backlog is full (the room then stays in memory and is offered again
     * later); never on the caller's thread's time: the stripe continues on its own executor.
     */
    CompletionStage<Boolean> finished(String roomId, long epoch);

    /**
     * The game in the room, held here at {@code epoch}, is over and its end is stored: it is not
     * archived yet (it stays joinable), but if this node dies before it leaves memory, the archive
     * takes it from the cluster. Completes when the cluster knows; {@link #finished} is called after.
     */
    default CompletionStage<Void> finishing(String roomId, long epoch) {
        return CompletableFuture.completedFuture(null);
    }
}
