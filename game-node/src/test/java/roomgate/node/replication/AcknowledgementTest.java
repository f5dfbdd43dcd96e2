package roomgate.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import roomgate.cluster.QuorumLease;

/**
 * The sequences by which a node the others removed (starved, paused) could take a room at an epoch
 * another node also takes, replayed on an injected clock and member list: a starved node-5 of five,
 * quorum 3, lease 3 s, backup timeout 5 s.
 */
class AcknowledgementTest {
    private static final long BACKUP_TIMEOUT_MILLIS = 5000;
    /** The claims' answers here: "epoch N" took the room, anything else did not. */
    private static final Predicate<String> TAKEN = answer -> answer.startsWith("epoch");

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final UUID node1 = UUID.randomUUID();
    private final UUID node2 = UUID.randomUUID();
    private final UUID node3 = UUID.randomUUID();
    private final UUID node4 = UUID.randomUUID();
    /** node-5's member list, as Hazelcast would answer it at each call. */
    private final List<UUID> listed = new ArrayList<>(List.of(node1, node2, node3, node4));

    private final QuorumLease lease = new QuorumLease(3, 3000, clock::get);
    private final Acknowledgement acknowledgement =
            new Acknowledgement(lease, () -> List.copyOf(listed), BACKUP_TIMEOUT_MILLIS, clock::get);

    AcknowledgementTest() {
        lease.members(listed);
        advanceMillis(10_000); // the first-seen credit is long gone: only heartbeats count below
    }

    private void advanceMillis(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /**
     * node-5 wakes from a starvation longer than the heartbeat timeout: it hands over the heartbeats
     * that waited for it (stamped now, though sent before the others removed it), and its view has
     * just become a cluster of its own, primary of every partition with no backup to wait for.
     */
    @Test
    void aNodeThatSplitOffAloneDoesNotAcknowledgeAClaimThatReturnsAtOnce() {
        lease.heard(node2);
        lease.heard(node3);
        listed.clear();
        assertThat(lease.holds())
                .as("the lease as the store checked it before: the members it was last given, heard 'just now'")
                .isTrue();

        CompletableFuture<String> claim =
                acknowledgement.attempt("claim", "r1", TAKEN, () -> CompletableFuture.completedFuture("epoch 2"));
        assertThat(claim.join()).as("returned at once: no backup to wait for").isEqualTo("epoch 2");
        assertThatThrownBy(() -> acknowledgement.leased("claim", "r1", claim.join()))
                .isInstanceOf(QuorumLeaseLostException.class)
                .hasMessageContaining("0 other game nodes");
    }

    /**
     * node-5 still lists everyone (it has not noticed its removal) and runs the claim on a primary its
     * stale partition table gives it; the backup is refused by a member that removed it, and
     * Hazelcast answers the claim once its backup timeout has passed. Meanwhile node-5 handed over
     * heartbeats that waited while it was starved, so the lease looks fresh.
     */
    @Test
    void aClaimAnsweredByTheBackupTimeoutIsNotAcknowledgedHoweverFreshTheLease() {
        CompletableFuture<String> primary = new CompletableFuture<>();
        CompletableFuture<String> claim = acknowledgement.attempt("claim", "r1", TAKEN, () -> primary);
        advanceMillis(BACKUP_TIMEOUT_MILLIS + 300); // the invocation monitor's next pass after the timeout
        lease.heard(node2);
        lease.heard(node3);
        primary.complete("epoch 2");

        assertThat(lease.holdsAmong(listed)).as("no lease check can see this").isTrue();
        assertThatThrownBy(claim::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(UnconfirmedBackupException.class);
    }

    @Test
    void aTryThatReturnsWithinTheBackupTimeoutLessTheMarginIsAcknowledged() {
        long window = BACKUP_TIMEOUT_MILLIS - Acknowledgement.CLOCK_MARGIN_MILLIS;

        CompletableFuture<Boolean> inTime = new CompletableFuture<>();
        CompletableFuture<Boolean> first = acknowledgement.attempt("append", "r1", Boolean.TRUE::equals, () -> inTime);
        advanceMillis(window - 1);
        inTime.complete(true);
        lease.heard(node2);
        lease.heard(node3);
        assertThat(acknowledgement.leased("append", "r1", first.join())).isTrue();

        CompletableFuture<Boolean> late = new CompletableFuture<>();
        CompletableFuture<Boolean> second = acknowledgement.attempt("append", "r1", Boolean.TRUE::equals, () -> late);
        advanceMillis(window);
        late.complete(true);
        assertThatThrownBy(second::join).hasCauseInstanceOf(UnconfirmedBackupException.class);
    }

    @Test
    void aLateAnswerThatWroteNothingStands() {
        CompletableFuture<String> primary = new CompletableFuture<>();
        CompletableFuture<String> claim = acknowledgement.attempt("claim", "r1", TAKEN, () -> primary);
        advanceMillis(BACKUP_TIMEOUT_MILLIS * 2);
        primary.complete("owned by node-3");
        assertThat(claim.join()).as("a redirect needs no backup").isEqualTo("owned by node-3");

        CompletableFuture<Boolean> refused = new CompletableFuture<>();
        CompletableFuture<Boolean> append =
                acknowledgement.attempt("append", "r1", Boolean.TRUE::equals, () -> refused);
        advanceMillis(BACKUP_TIMEOUT_MILLIS * 2);
        refused.complete(false);
        assertThat(append.join())
                .as("a refusal drops the room, which is safe however late")
                .isFalse();
    }

    @Test
    void theLeaseCountsOnlyMembersListedAtTheCheck() {
        lease.heard(node2);
        lease.heard(node3);
        assertThat(acknowledgement.leased("append", "r1", "ok")).isEqualTo("ok");

        listed.remove(node3); // removed: what was heard from it no longer counts, before any event says so
        assertThatThrownBy(() -> acknowledgement.leased("append", "r1", "ok"))
                .isInstanceOf(QuorumLeaseLostException.class);
    }

    @Test
    void aBackupTimeoutWithinTheClockMarginIsRefused() {
        assertThatThrownBy(() -> new Acknowledgement(lease, List::of, Acknowledgement.CLOCK_MARGIN_MILLIS, clock::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backupTimeoutMillis");
    }
}
