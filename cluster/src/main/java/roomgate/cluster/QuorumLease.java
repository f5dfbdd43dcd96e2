package roomgate.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Whether this member may still acknowledge a write: it has heard from enough game nodes (itself
 * included) within the last {@code leaseMillis} to make up the quorum.
 *
 * <p>Why a lease and not the member list: after a split, each side keeps the other's members in its
 * list until the heartbeat timeout removes them (5 s), so a count of members says "quorum" on the
 * minority too. A write whose backup was sent across the cut is then answered by Hazelcast once its
 * backup timeout passes, as if stored, yet the majority never got it and the merge drops it. Such a
 * write waits at least the backup timeout; when that exceeds the lease by more than a backup's
 * delivery time, a minority member's lease has run out before the write returns, and the write is
 * reported as failed instead of acknowledged. A member that hears from a quorum was connected to it
 * a moment ago, so a write it acknowledges had its backup delivered across a link that was up.
 *
 * <p>Thread-safe: heartbeats arrive on Hazelcast's split-brain executor, checks come from any thread.
 */
public final class QuorumLease {
    private final int quorumSize;
    private final long leaseNanos;
    private final LongSupplier nanoClock;
    /** When each other member was last heard from, on {@link #nanoClock}. */
    private final Map<UUID, Long> lastHeard = new ConcurrentHashMap<>();
    /** The other game nodes, as Hazelcast last listed them. */
    private volatile Set<UUID> others = Set.of();

    public QuorumLease(int quorumSize, long leaseMillis, LongSupplier nanoClock) {
        if (quorumSize < 1) {
            throw new IllegalArgumentException("quorumSize: " + quorumSize + " (expected: >= 1)");
        }
        if (leaseMillis < 1) {
            throw new IllegalArgumentException("leaseMillis: " + leaseMillis + " (expected: >= 1)");
        }
        this.quorumSize = quorumSize;
        this.leaseNanos = leaseMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /** A heartbeat (or a join) from {@code member}: it could reach this member just now. */
    public void heard(UUID member) {
        lastHeard.put(member, nanoClock.getAsLong());
    }

    /**
     * The game nodes other than this one, as the member list now says. A member seen here for the
     * first time counts as heard: the list came from the master just now (a member that joins gets
     * no "added" event for those already there, and would otherwise refuse writes until their
     * first heartbeats, up to an interval later). A split adds no members, so this never renews a
     * lease across a cut.
     */
    public void members(Collection<UUID> otherMembers) {
        Set<UUID> now = Set.copyOf(otherMembers);
        for (UUID member : now) {
            if (!others.contains(member)) {
                lastHeard.putIfAbsent(member, nanoClock.getAsLong());
            }
        }
        others = now;
    }

    /** {@code member} left the cluster: whatever was heard from it no longer counts. */
    public void forget(UUID member) {
        lastHeard.remove(member);
    }

    /** Whether this member and the others heard from within the lease make up the quorum. */
    public boolean holds() {
        return holdsAmong(others);
    }

    /**
     * Whether this member and those of {@code listedNow} heard from within the lease make up the
     * quorum: {@code listedNow} is the member list read by the caller just now, not the one this
     * lease was last given (by Hazelcast's split-brain executor, which a starved member
     * runs late). A member that has split off alone lists nobody else, and what it heard from the
     * members it removed no longer counts.
     */
    public boolean holdsAmong(Collection<UUID> listedNow) {
        long now = nanoClock.getAsLong();
        int count = 1; // this member
        for (UUID member : listedNow) {
            Long heard = lastHeard.get(member);
            if (heard != null && now - heard < leaseNanos) {
                count++;
            }
        }
        return count >= quorumSize;
    }

    public long leaseMillis() {
        return leaseNanos / 1_000_000L;
    }
}
