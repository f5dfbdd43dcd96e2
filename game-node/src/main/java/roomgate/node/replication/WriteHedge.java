package roomgate.node.replication;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a write, and sends it again each {@code after} that it has not been answered (at most
 * {@code repeats} more times). Only for writes that are safe to apply twice (all of
 * {@link RecordOps}).
 *
 * <p>Why: right after a member dies, the members learn it at slightly different times (0.3 s apart
 * in the fault tests). A primary that has not yet learned it sends its synchronous backup to the
 * dead member, while the caller, which learned it first, has already let go of what it waited for
 * from that member. The write then waits out Hazelcast's backup timeout (5 s, checked once a
 * second): seen as three rooms taken over 5.9 s after a kill instead of 1.5 s. A repeat sent a
 * moment later finds the write done and stores the record again, which backs it up to the primary's
 * current backup, so the caller is still answered only once a live backup has the record.
 *
 * <p>A repeat may only confirm the write. If it is refused (or fails), the first try may still have
 * been stored before the room moved on — an append refused on a repeat is not "never stored" — so
 * refusals and failures are taken from the first try alone.
 */
final class WriteHedge {
    private static final Logger log = LoggerFactory.getLogger(WriteHedge.class);
    /**
     * One wheel for every store: each write sets a timeout that almost never fires, and a wheel adds
     * and cancels one in constant time (a scheduled executor's queue would hold every write in flight).
     */
    private static final Timer TIMER =
            new HashedWheelTimer(new DefaultThreadFactory("store-write-hedge", true), 50, TimeUnit.MILLISECONDS);

    private final Duration after;
    private final int repeats;

    WriteHedge(Duration after, int repeats) {
        this.after = after;
        this.repeats = repeats;
    }

    /**
     * Sends {@code write}; a repeat's answer counts only if it {@code confirms}. {@code kind} and
     * {@code roomId} name the write in the log when it is repeated.
     */
    <T> CompletableFuture<T> send(
            String kind, String roomId, Predicate<T> confirms, Supplier<CompletableFuture<T>> write) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        write.get().whenComplete((value, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(value);
            }
        });
        repeatLater(kind, roomId, confirms, write, answer, repeats);
        return answer;
    }

    private <T> void repeatLater(
            String kind,
            String roomId,
            Predicate<T> confirms,
            Supplier<CompletableFuture<T>> write,
            CompletableFuture<T> answer,
            int repeatsLeft) {
        if (repeatsLeft == 0) {
            return;
        }
        // The wheel's thread only starts the repeat, which is asynchronous.
        Timeout repeat = TIMER.newTimeout(
                t -> {
                    if (answer.isDone()) {
                        return;
                    }
                    log.info("room {}: {} not answered after {} ms; sending it again", roomId, kind, after.toMillis());
                    write.get().thenAccept(value -> {
                        if (confirms.test(value)) {
                            answer.complete(value);
                        }
                    });
                    repeatLater(kind, roomId, confirms, write, answer, repeatsLeft - 1);
                },
                after.toMillis(),
                TimeUnit.MILLISECONDS);
        answer.whenComplete((value, failure) -> repeat.cancel());
    }
}
