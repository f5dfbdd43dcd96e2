package roomgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The spend rule on its own: once per connection, never while it is open here, never on a guess. */
class ResumeGuardTest {
    private final AtomicLong clock = new AtomicLong();
    private final SpentConnections spent = SpentConnections.inProcess(Duration.ofSeconds(60), clock::get);

    private static String answer(CompletionStage<String> admitted) throws Exception {
        return admitted.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theFirstResumeOfAConnectionIsAdmittedAndEveryLaterOneRefused() throws Exception {
        ResumeGuard guard = new ResumeGuard(spent, Duration.ofSeconds(5));
        ResumeGuard otherGateway = new ResumeGuard(spent, Duration.ofSeconds(5));
        String old = guard.open();
        guard.closed(old);
        assertThat(answer(guard.admit(old, guard.open()))).isNull();
        assertThat(answer(guard.admit(old, guard.open()))).contains("already used");
        assertThat(answer(otherGateway.admit(old, otherGateway.open())))
                .as("through another gateway of the cluster")
                .contains("already used");
    }

    @Test
    void aConnectionStillOpenHereCannotBeResumedElsewhereAndIsNotSpentByTheTry() throws Exception {
        ResumeGuard guard = new ResumeGuard(spent, Duration.ofSeconds(5));
        String alive = guard.open();
        assertThat(answer(guard.admit(alive, guard.open()))).contains("still open");
        guard.closed(alive);
        assertThat(answer(guard.admit(alive, guard.open())))
                .as("once it is closed, the first resume is admitted")
                .isNull();
    }

    @Test
    void aConnectionResumingWithItsOwnTokenSpendsNothing() throws Exception {
        ResumeGuard guard = new ResumeGuard(spent, Duration.ofSeconds(5));
        String self = guard.open();
        assertThat(answer(guard.admit(self, self))).isNull();
        assertThat(answer(guard.admit(self, self))).isNull();
        guard.closed(self);
        assertThat(guard.openCount()).isZero();
        assertThat(answer(guard.admit(self, guard.open())))
                .as("its tokens still resume it once after it is gone")
                .isNull();
    }

    @Test
    void aClusterThatDoesNotAnswerInTimeRefusesAndALateSpendDoesNotAdmitLater() throws Exception {
        CompletableFuture<Boolean> late = new CompletableFuture<>();
        ResumeGuard guard = new ResumeGuard(connectionId -> late, Duration.ofMillis(100));
        assertThat(answer(guard.admit("gone", guard.open()))).contains("could not confirm");
        late.complete(true);
        ResumeGuard failing = new ResumeGuard(
                connectionId -> CompletableFuture.failedFuture(new IllegalStateException("no quorum")),
                Duration.ofSeconds(5));
        assertThat(answer(failing.admit("gone", failing.open()))).contains("could not confirm");
        ResumeGuard throwing = new ResumeGuard(
                connectionId -> {
                    throw new IllegalStateException("not active");
                },
                Duration.ofSeconds(5));
        assertThat(answer(throwing.admit("gone", throwing.open()))).contains("could not confirm");
    }

    @Test
    void aSpentIdIsForgottenOnlyAfterItsTimeAndRacingSpendsHaveOneWinner() throws Exception {
        assertThat(spent.spend("c").toCompletableFuture().get()).isTrue();
        clock.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(spent.spend("c").toCompletableFuture().get()).isFalse();
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(spent.spend("c").toCompletableFuture().get())
                .as("past its time its tokens have expired")
                .isTrue();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> tries = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tries.add(pool.submit(() -> {
                    go.await();
                    return spent.spend("raced").toCompletableFuture().get();
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> t : tries) {
                winners += t.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
