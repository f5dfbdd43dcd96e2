package roomgate.gateway.session;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.atomic.AtomicReference;

/** For the fan-out allocation tests: work run on a thread like an event loop's. */
public final class EventLoopThreads {
    private EventLoopThreads() {}

    /**
     * Runs {@code body} on a FastThreadLocalThread and waits for it: Netty's Recycler reuses a
     * released write's duplicate only on such threads, so on the test's own thread every write would
     * cost a new 64-byte PooledDuplicatedByteBuf, Netty's, not the fan-out's. An assertion that fails
     * in {@code body} is thrown as it is.
     */
    public static void run(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new FastThreadLocalThread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        thread.start();
        thread.join();
        if (failed.get() instanceof AssertionError e) {
            throw e;
        }
        if (failed.get() != null) {
            throw new IllegalStateException(failed.get());
        }
    }
}
