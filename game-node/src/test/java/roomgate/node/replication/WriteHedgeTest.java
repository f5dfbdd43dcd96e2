package roomgate.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WriteHedgeTest {
    /**
     * The hedge delay: a repeat every 150 ms, so that a test waiting for the n-th try sees it before
     * the next one comes even when the machine is busy (at 50 ms, Awaitility's 100 ms default poll
     * once saw a third try where the test waited for the second).
     */
    private static final Duration AFTER = Duration.ofMillis(150);

    private final WriteHedge hedge = new WriteHedge(AFTER, 2);
    /** Every try of the write, in order; each answers only when the test completes it. */
    private final List<CompletableFuture<Boolean>> tries = new CopyOnWriteArrayList<>();

    private CompletableFuture<Boolean> send() {
        return hedge.send("append", "r1", Boolean.TRUE::equals, () -> {
            CompletableFuture<Boolean> attempt = new CompletableFuture<>();
            tries.add(attempt);
            return attempt;
        });
    }

    private void awaitTries(int count) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> tries.size() >= count);
        assertThat(tries).hasSize(count);
    }

    /**
     * Six hedge delays in which a repeat, were one still to come, would have been sent: the checks
     * after it are that none was, and only waiting out the window can show that.
     */
    private static void waitOutTheRepeatWindow() throws InterruptedException {
        Thread.sleep(AFTER.toMillis() * 6);
    }

    @Test
    void aWriteAnsweredInTimeIsSentOnce() throws Exception {
        CompletableFuture<Boolean> answer = send();
        tries.get(0).complete(true);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isTrue();
        waitOutTheRepeatWindow();
        assertThat(tries).hasSize(1);
    }

    @Test
    void aStuckWriteIsSentAgainAndARepeatThatConfirmsAnswers() throws Exception {
        CompletableFuture<Boolean> answer = send();
        awaitTries(2);
        assertThat(answer).isNotDone();

        tries.get(1).complete(true);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isTrue();
        waitOutTheRepeatWindow();
        assertThat(tries).as("no repeat once answered").hasSize(2);
    }

    @Test
    void aRepeatsRefusalDoesNotAnswerTheFirstTrysDoes() throws Exception {
        CompletableFuture<Boolean> answer = send();
        awaitTries(2);
        tries.get(1).complete(false);
        tries.get(1).join();
        assertThat(answer).as("the first try may have been stored").isNotDone();

        tries.get(0).complete(true);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void repeatsAreBounded() throws Exception {
        CompletableFuture<Boolean> answer = send();
        awaitTries(3);
        waitOutTheRepeatWindow();
        assertThat(tries).as("the write and its two repeats, and no more").hasSize(3);
        assertThat(answer).isNotDone();
    }

    @Test
    void theFirstTrysRefusalOrFailureAnswers() throws Exception {
        CompletableFuture<Boolean> refused = send();
        tries.get(0).complete(false);
        assertThat(refused.get(1, TimeUnit.SECONDS)).isFalse();

        CompletableFuture<Boolean> failed = send();
        tries.get(1).completeExceptionally(new IllegalStateException("no quorum"));
        assertThatThrownBy(() -> failed.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("no quorum");
    }

    @Test
    void aWriteInFlightIsSentAgainAsSoonAsAMemberLeaves() throws Exception {
        // The timer alone would repeat it only after a minute: the repeats below come from the departure.
        WriteHedge slow = new WriteHedge(Duration.ofMinutes(1), 2, AFTER);
        CompletableFuture<Boolean> answer = slow.send("append", "r1", Boolean.TRUE::equals, () -> {
            CompletableFuture<Boolean> attempt = new CompletableFuture<>();
            tries.add(attempt);
            return attempt;
        });
        slow.memberLeft();
        assertThat(tries).as("sent again within memberLeft itself").hasSizeGreaterThanOrEqualTo(2);
        awaitTries(3); // once more after the settle delay, still unanswered
        assertThat(answer).isNotDone();

        tries.get(2).complete(true);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWriteAlreadyAnsweredIsNotSentAgainWhenAMemberLeaves() throws Exception {
        WriteHedge slow = new WriteHedge(Duration.ofMinutes(1), 2, AFTER);
        CompletableFuture<Boolean> answer = slow.send("append", "r1", Boolean.TRUE::equals, () -> {
            CompletableFuture<Boolean> attempt = new CompletableFuture<>();
            tries.add(attempt);
            return attempt;
        });
        tries.get(0).complete(true);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isTrue();
        slow.memberLeft();
        waitOutTheRepeatWindow();
        assertThat(tries).hasSize(1);
    }

    private CompletableFuture<Boolean> sendWithoutTimer(WriteHedge slow) {
        return slow.send("append", "r1", Boolean.TRUE::equals, () -> {
            CompletableFuture<Boolean> attempt = new CompletableFuture<>();
            tries.add(attempt);
            return attempt;
        });
    }

    @Test
    void aFirstTryUnconfirmedByItsBackupIsSentOnceMoreAndTheRepeatConfirmsIt() throws Exception {
        WriteHedge slow = new WriteHedge(Duration.ofMinutes(1), 2, AFTER);
        CompletableFuture<Boolean> answer = sendWithoutTimer(slow);
        tries.get(0).completeExceptionally(new UnconfirmedBackupException("returned after the backup timeout"));
        assertThat(answer).as("it may have been stored: not failed yet").isNotDone();
        awaitTries(2);

        tries.get(1).complete(true);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFirstTryUnconfirmedFailsIfItsLastChanceDoesNotConfirmIt() {
        WriteHedge slow = new WriteHedge(Duration.ofMinutes(1), 2, AFTER);
        CompletableFuture<Boolean> unconfirmedTwice = sendWithoutTimer(slow);
        tries.get(0).completeExceptionally(new UnconfirmedBackupException("first"));
        awaitTries(2);
        tries.get(1).completeExceptionally(new UnconfirmedBackupException("again"));
        assertThatThrownBy(() -> unconfirmedTwice.get(1, TimeUnit.SECONDS)).hasRootCauseMessage("first");

        CompletableFuture<Boolean> refusedOnRepeat = sendWithoutTimer(slow);
        tries.get(2).completeExceptionally(new UnconfirmedBackupException("first"));
        awaitTries(4);
        tries.get(3).complete(false);
        assertThatThrownBy(() -> refusedOnRepeat.get(1, TimeUnit.SECONDS))
                .as("a repeat refused does not make the write refused: the first try may be stored")
                .hasRootCauseMessage("first");
    }

    @Test
    void anyOtherFailureOfTheFirstTryIsNotSentAgain() throws Exception {
        WriteHedge slow = new WriteHedge(Duration.ofMinutes(1), 2, AFTER);
        CompletableFuture<Boolean> answer = sendWithoutTimer(slow);
        tries.get(0).completeExceptionally(new QuorumLeaseLostException("no quorum"));
        assertThat(answer).isCompletedExceptionally();
        waitOutTheRepeatWindow();
        assertThat(tries).hasSize(1);
    }
}
