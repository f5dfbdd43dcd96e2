package roomgate.node.registry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * A drain moving one room to its successor: the links told to hold the room's requests, those yet
 * to confirm, and the requests held here meanwhile (from links the handoff did not reach). Touched
 * only on the room's stripe thread.
 */
final class Handoff {
    final String successor;
    final Set<GatewayLink> told;
    final Set<GatewayLink> awaiting;
    final List<Work> held = new ArrayList<>();
    /** Runs once the room moved or cannot. */
    final Runnable done;

    final long startNanos = System.nanoTime();
    /** Moves on without the links that have not confirmed by then. */
    ScheduledFuture<?> timeout;
    /** The final snapshot and the transfer are under way: nothing may start them twice. */
    boolean transferring;

    Handoff(String successor, Set<GatewayLink> links, Runnable done) {
        this.successor = successor;
        this.told = links;
        this.awaiting = new HashSet<>(links);
        this.done = done;
    }
}
