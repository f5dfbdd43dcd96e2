package roomgate.node.registry;

import java.util.concurrent.ScheduledFuture;
import roomgate.node.tick.Ticker;

/**
 * A room this node serves, and what its stripe runs for it: the ticker while a ticking room has
 * someone in it, and the idle timer while it has nobody. Each is held here, with the room, so that
 * whatever ends the room's stay (a move, a loss, the timer itself) stops both, and no timer of a room
 * that filled up again, or left, fires later. Touched only on the room's stripe thread.
 */
final class LiveRoom {
    private final RoomHost host;
    private Ticker ticker;
    private ScheduledFuture<?> idleTimer;
    /** Set once the archive knows the game here is over (see {@link RoomArchive#finishing}); null before. */
    private java.util.concurrent.CompletionStage<Void> finishing;

    LiveRoom(RoomHost host) {
        this.host = host;
    }

    RoomHost host() {
        return host;
    }

    /** The running ticker, or null. */
    Ticker ticker() {
        return ticker;
    }

    void startTicker(Ticker started) {
        stopTicker();
        ticker = started;
        ticker.start();
    }

    void stopTicker() {
        if (ticker != null) {
            ticker.stop();
            ticker = null;
        }
    }

    java.util.concurrent.CompletionStage<Void> finishing() {
        return finishing;
    }

    void finishing(java.util.concurrent.CompletionStage<Void> told) {
        finishing = told;
    }

    boolean hasIdleTimer() {
        return idleTimer != null;
    }

    /** Holds the timer armed for the room's current empty spell (one at most). */
    void armIdleTimer(ScheduledFuture<?> timer) {
        cancelIdleTimer();
        idleTimer = timer;
    }

    /** The timer fired, or is no longer wanted. */
    void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    /** The room leaves this node: no ticks, no timer. */
    void stop() {
        stopTicker();
        cancelIdleTimer();
    }
}
