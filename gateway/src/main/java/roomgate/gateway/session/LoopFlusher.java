package roomgate.gateway.session;

import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * Flushes the sessions of one event loop once per wake-up of the loop rather than once per message:
 * a session written to marks itself dirty, and the first mark of a wake-up schedules one task that
 * runs when the loop has handled everything it woke up for (the whole burst of link frames it read,
 * or every queued feed update) and flushes each dirty session once. One syscall per client per burst
 * instead of one per message, and one task per burst rather than one per client, which is why this
 * is not Netty's FlushConsolidationHandler (it schedules a flush task per channel when the channel
 * is not reading itself, and the fan-out writes happen while another channel, the node link, reads).
 */
public final class LoopFlusher {
    private static final FastThreadLocal<LoopFlusher> PER_LOOP = new FastThreadLocal<>();

    private final EventLoop loop;
    private final ArrayList<ClientSession> dirty = new ArrayList<>();
    private final Runnable flushAll = this::flushAll;
    private boolean scheduled;

    private LoopFlusher(EventLoop loop) {
        this.loop = loop;
    }

    /** The flusher of {@code loop}; call on that loop. */
    public static LoopFlusher of(EventLoop loop) {
        assert loop.inEventLoop();
        LoopFlusher flusher = PER_LOOP.get();
        if (flusher == null || flusher.loop != loop) {
            flusher = new LoopFlusher(loop);
            PER_LOOP.set(flusher);
        }
        return flusher;
    }

    void dirty(ClientSession session) {
        dirty.add(session);
        if (!scheduled) {
            scheduled = true;
            if (loop instanceof SingleThreadEventLoop threadLoop) {
                // After the tasks of this iteration: every update task already queued has written.
                threadLoop.executeAfterEventLoopIteration(flushAll);
            } else {
                loop.execute(flushAll);
            }
        }
    }

    private void flushAll() {
        scheduled = false;
        // Index loop: a flush that closes a connection may mark other sessions, which are appended.
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flushNow();
        }
        dirty.clear();
    }
}
