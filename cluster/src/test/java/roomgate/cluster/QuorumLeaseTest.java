package roomgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuorumLeaseTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final UUID b = UUID.randomUUID();
    private final UUID c = UUID.randomUUID();
    private final UUID d = UUID.randomUUID();
    private final UUID e = UUID.randomUUID();

    /** A lease whose members were listed long ago: only what is heard from now on counts. */
    private QuorumLease lease(int quorum) {
        QuorumLease lease = new QuorumLease(quorum, 3000, clock::get);
        lease.members(List.of(b, c, d, e));
        advanceMillis(10_000);
        return lease;
    }

    private void advanceMillis(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void holdsWhileAQuorumIncludingItselfWasHeardWithinTheLease() {
        QuorumLease lease = lease(3);
        lease.heard(b);
        assertThat(lease.holds()).as("itself and one other: 2 of 3").isFalse();
        lease.heard(c);
        assertThat(lease.holds()).isTrue();
        advanceMillis(2999);
        assertThat(lease.holds()).isTrue();
        advanceMillis(1);
        assertThat(lease.holds()).as("both heard exactly 3000 ms ago: expired").isFalse();
    }

    @Test
    void theMinorityOfASplitLosesItWithinTheLeaseWhileTheMemberListStillNamesTheMajority() {
        // 2|3 split: this node and b on one side; c, d, e are still in the member list (not yet
        // removed by the heartbeat timeout) but are no longer heard from.
        QuorumLease lease = lease(3);
        lease.heard(b);
        lease.heard(c);
        lease.heard(d);
        lease.heard(e);
        assertThat(lease.holds()).isTrue();
        for (int second = 0; second < 3; second++) {
            advanceMillis(1000);
            lease.heard(b); // the other minority node keeps beating
        }
        assertThat(lease.holds()).isFalse();
        // The majority side, in the same second, still hears from two others: it keeps the lease.
        QuorumLease majority = lease(3);
        majority.heard(d);
        majority.heard(e);
        assertThat(majority.holds()).isTrue();
    }

    @Test
    void aMemberFirstSeenInTheListCountsAsHeardButStayingListedDoesNotRenewIt() {
        QuorumLease lease = new QuorumLease(3, 3000, clock::get);
        lease.members(List.of(b, c));
        assertThat(lease.holds())
                .as("just joined: the master's list is contact")
                .isTrue();
        advanceMillis(3000);
        lease.members(List.of(b, c));
        assertThat(lease.holds()).as("the same list again is not contact").isFalse();
    }

    @Test
    void aHeartbeatRenewsIt() {
        QuorumLease lease = lease(2);
        lease.heard(b);
        advanceMillis(2500);
        lease.heard(b);
        advanceMillis(2500);
        assertThat(lease.holds()).isTrue();
    }

    @Test
    void aMemberNoLongerListedOrForgottenDoesNotCount() {
        QuorumLease lease = lease(2);
        lease.heard(b);
        lease.members(List.of(c, d, e));
        assertThat(lease.holds()).as("b left the member list").isFalse();
        lease.members(List.of(b, c, d, e));
        assertThat(lease.holds()).isTrue();
        lease.forget(b);
        assertThat(lease.holds()).as("b was removed").isFalse();
    }

    @Test
    void holdsAmongCountsOnlyTheMembersTheCallerListsNow() {
        QuorumLease lease = lease(3);
        lease.heard(b);
        lease.heard(c);
        assertThat(lease.holdsAmong(List.of(b, c, d, e))).isTrue();
        assertThat(lease.holdsAmong(List.of()))
                .as("split off alone: heard b and c just now, but they are no longer members")
                .isFalse();
        assertThat(lease.holds())
                .as("the list it was last given still names them")
                .isTrue();
        assertThat(lease.holdsAmong(List.of(c, d)))
                .as("one other heard among those listed")
                .isFalse();
    }

    @Test
    void aQuorumOfOneIsItself() {
        QuorumLease lease = new QuorumLease(1, 3000, clock::get);
        advanceMillis(60_000);
        assertThat(lease.holds()).isTrue();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new QuorumLease(0, 3000, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuorumLease(2, 0, clock::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
