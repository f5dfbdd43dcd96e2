package roomgate.node.replication;

import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import roomgate.cluster.QuorumLease;

/**
 * Whether a record write that returned may be acknowledged (a claim taken, an event told to its
 * clients). Two rules, each checked with a clock read when the write returns, so a pause anywhere
 * before that only makes them stricter:
 *
 * <ol>
 *   <li><b>Each try must return within the backup window</b> ({@link #attempt}): Hazelcast answers a
 *       write whose synchronous backup never acknowledged as if stored, once its backup timeout has
 *       passed since the primary's answer. A node the others have removed (it was starved or paused
 *       past the heartbeat timeout and has not noticed yet) still runs writes on the primaries its
 *       stale partition table gives it; their backups are refused by members that no longer list
 *       it, and the backup timeout then answers them "stored" in a copy the cluster has dropped,
 *       while another node takes the same room at the same epoch from the promoted backup. A try
 *       that returns sooner than the backup timeout (less a margin for the two clocks) had every
 *       backup it waited for acknowledged, by a member that still held its replica; a later one is
 *       {@link UnconfirmedBackupException}, whatever the lease says, for the lease is judged from
 *       heartbeats that a node which was paused may have received long after they were sent.
 *   <li><b>The quorum lease, over the members listed now</b> ({@link #leased}): this node and the
 *       game nodes heard from within the lease must make up the quorum, counting only the members
 *       in the member list read at the check. A node that split off alone makes itself primary of
 *       every partition with no backup to wait for, so its writes return at once; the members it
 *       has just removed must not count, although the lease still remembers hearing from them
 *       (Hazelcast refreshes the lease's member list from its split-brain executor, which a starved
 *       node runs late).
 * </ol>
 */
final class Acknowledgement {
    /**
     * Hazelcast measures its backup timeout on the wall clock from the primary's answer, which comes
     * after the write was sent; this measures on the monotonic clock from the send. The margin
     * absorbs a wall clock slewed between the two (not one stepped by more than it).
     */
    static final long CLOCK_MARGIN_MILLIS = 500;

    private final QuorumLease lease;
    private final Supplier<Collection<UUID>> otherDataMembers;
    private final long windowNanos;
    private final LongSupplier nanoClock;

    /**
     * {@code otherDataMembers}: the game nodes other than this one in the member list as it is at the
     * call; {@code backupTimeoutMillis}: Hazelcast's {@code hazelcast.operation.backup.timeout.millis}.
     */
    Acknowledgement(
            QuorumLease lease,
            Supplier<Collection<UUID>> otherDataMembers,
            long backupTimeoutMillis,
            LongSupplier nanoClock) {
        if (backupTimeoutMillis <= CLOCK_MARGIN_MILLIS) {
            throw new IllegalArgumentException(
                    "backupTimeoutMillis: " + backupTimeoutMillis + " (expected: > " + CLOCK_MARGIN_MILLIS + ")");
        }
        this.lease = lease;
        this.otherDataMembers = otherDataMembers;
        this.windowNanos = (backupTimeoutMillis - CLOCK_MARGIN_MILLIS) * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /**
     * One try of a write: sends it now and answers its answer, unless the answer says it {@code wrote}
     * (a claim taken, events stored) and it returned after the backup window: then it fails with
     * {@link UnconfirmedBackupException}. A try that fails this way may have been stored (and backed
     * up): {@link WriteHedge} sends it once more, and a repeat that returns in time confirms it. An
     * answer that wrote nothing (a refusal, a room owned elsewhere) needs no backup: a late one
     * stands.
     */
    <T> CompletableFuture<T> attempt(
            String kind, String roomId, Predicate<T> wrote, Supplier<CompletableFuture<T>> write) {
        long sent = nanoClock.getAsLong();
        return write.get().thenApply(answer -> {
            long tookNanos = nanoClock.getAsLong() - sent;
            if (tookNanos >= windowNanos && wrote.test(answer)) {
                throw new UnconfirmedBackupException("room " + roomId + ": " + kind + " returned after "
                        + tookNanos / 1_000_000L + " ms, when Hazelcast may answer it without a backup (the"
                        + " backup timeout less " + CLOCK_MARGIN_MILLIS + " ms is " + windowNanos / 1_000_000L
                        + " ms): not acknowledged");
            }
            return answer;
        });
    }

    /**
     * {@code answer}, if this node still holds its quorum lease among the members listed now;
     * otherwise the write fails, stored or not (QuorumLease). A failed write leaves the room in
     * doubt, which its owner handles as a room lost.
     */
    <T> T leased(String kind, String roomId, T answer) {
        Collection<UUID> listed = otherDataMembers.get();
        if (!lease.holdsAmong(listed)) {
            throw new QuorumLeaseLostException("room " + roomId + ": " + kind + " returned when this node, with the "
                    + listed.size() + " other game nodes it lists, had not heard from a quorum within the "
                    + lease.leaseMillis() + " ms lease: not acknowledged");
        }
        return answer;
    }
}
