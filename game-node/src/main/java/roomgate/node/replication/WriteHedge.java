package roomgate.node.replication;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
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
 * refusals and failures are taken from the first try alone. One failure of the first try is not final:
 * a try that returned too late for its backup to be known ({@link UnconfirmedBackupException}) gets
 * one more repeat, which may confirm it.
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
    private final Duration settle;
    /** The writes not answered yet, for {@link #memberLeft}. */
    private final Set<InFlight<?>> inFlight = ConcurrentHashMap.newKeySet();

    WriteHedge(Duration after, int repeats) {
        this(after, repeats, Duration.ofMillis(500));
    }

    /**
     * {@code settle}: after a member left, the writes still in flight are sent again at once and once
     * more this much later (see {@link #memberLeft}).
     */
    WriteHedge(Duration after, int repeats, Duration settle) {
        this.after = after;
        this.repeats = repeats;
        this.settle = settle;
    }

    /**
     * Sends {@code write}; a repeat's answer counts only if it {@code confirms}. {@code kind} and
     * {@code roomId} name the write in the log when it is repeated.
     */
    <T> CompletableFuture<T> send(
            String kind, String roomId, Predicate<T> confirms, Supplier<CompletableFuture<T>> write) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        InFlight<T> flight = new InFlight<>(kind, roomId, confirms, write, answer);
        inFlight.add(flight);
        answer.whenComplete((value, failure) -> inFlight.remove(flight));
        write.get().whenComplete((value, failure) -> {
            if (failure == null) {
                answer.complete(value);
            } else if (!(unwrap(failure) instanceof UnconfirmedBackupException) || !flight.lastChance(failure)) {
                answer.completeExceptionally(failure);
            }
        });
        repeatLater(flight, repeats);
        return answer;
    }

    /**
     * A game node left the cluster: every write in flight is sent again now, and once more after
     * {@code settle} if still unanswered. Why: a write whose record's synchronous backup is on a
     * member that hangs waits for that backup's acknowledgement, which never comes; Hazelcast does
     * not release it when the member is removed (it lets go only after its backup timeout, 5 s after
     * the primary's answer). A repeat sent once the member is gone is backed up to the partition's
     * current backup (or to none until one is assigned, as for any record right after a loss), so the
     * room moves again as soon as the member is removed instead of up to the timer's
     * {@code after} later. The second repeat covers a primary that learns of the removal a moment
     * after this member does and still sent the first repeat's backup to the departed member.
     */
    void memberLeft() {
        int count = 0;
        for (InFlight<?> flight : inFlight) {
            count += flight.repeat(null) ? 1 : 0;
        }
        if (count > 0) {
            log.info("a member left: {} writes in flight sent again", count);
        }
        TIMER.newTimeout(
                t -> {
                    for (InFlight<?> flight : inFlight) {
                        flight.repeat(null);
                    }
                },
                settle.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void repeatLater(InFlight<?> flight, int repeatsLeft) {
        if (repeatsLeft == 0) {
            return;
        }
        // The wheel's thread only starts the repeat, which is asynchronous.
        Timeout repeat = TIMER.newTimeout(
                t -> {
                    if (flight.repeat("not answered after " + after.toMillis() + " ms")) {
                        repeatLater(flight, repeatsLeft - 1);
                    }
                },
                after.toMillis(),
                TimeUnit.MILLISECONDS);
        flight.answer.whenComplete((value, failure) -> repeat.cancel());
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** A write not answered yet, and how to send it again. */
    private record InFlight<T>(
            String kind,
            String roomId,
            Predicate<T> confirms,
            Supplier<CompletableFuture<T>> write,
            CompletableFuture<T> answer) {

        /** Sends the write again unless it is answered; {@code why}, if given, is logged. */
        boolean repeat(String why) {
            if (answer.isDone()) {
                return false;
            }
            if (why != null) {
                log.info("room {}: {} {}; sending it again", roomId, kind, why);
            }
            write.get().thenAccept(value -> {
                if (confirms.test(value)) {
                    answer.complete(value);
                }
            });
            return true;
        }

        /**
         * The first try returned too late to know its backup has it ({@link UnconfirmedBackupException}):
         * it may be stored, so it is neither refused nor failed yet. Sent once more: the repeat finds it
         * stored and stores it again, backed up to the partition's current backup, and confirms it if it
         * returns in time; if it does not, the write fails with {@code unconfirmed} (in doubt). Repeats
         * already in flight may still confirm it first. False if the write is already answered.
         */
        boolean lastChance(Throwable unconfirmed) {
            if (answer.isDone()) {
                return false;
            }
            log.info("room {}: {} not confirmed by its backup in time; sending it again", roomId, kind);
            // From the wheel's thread, not the one that completed the first try (Hazelcast's
            // invocation monitor, which answers a write its backup timeout released).
            TIMER.newTimeout(
                    t -> {
                        CompletableFuture<T> repeat;
                        try {
                            repeat = write.get();
                        } catch (RuntimeException e) {
                            unconfirmed.addSuppressed(e);
                            answer.completeExceptionally(unconfirmed);
                            return;
                        }
                        repeat.whenComplete((value, failure) -> {
                            if (failure == null && confirms.test(value)) {
                                answer.complete(value);
                            } else {
                                answer.completeExceptionally(unconfirmed);
                            }
                        });
                    },
                    0,
                    TimeUnit.MILLISECONDS);
            return true;
        }
    }
}
