package roomgate.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WriteHedgeTest {
    private static final Duration AFTER = Duration.ofMillis(50);
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

    private void awaitTries(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (tries.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(tries).hasSize(count);
    }

    @Test
    void aWriteAnsweredInTimeIsSentOnce() throws Exception {
        CompletableFuture<Boolean> answer = send();
        tries.get(0).complete(true);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(AFTER.toMillis() * 6);
        assertThat(tries).hasSize(1);
    }

    @Test
    void aStuckWriteIsSentAgainAndARepeatThatConfirmsAnswers() throws Exception {
        CompletableFuture<Boolean> answer = send();
        awaitTries(2);
        assertThat(answer).isNotDone();

        tries.get(1).complete(true);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(AFTER.toMillis() * 6);
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
        Thread.sleep(AFTER.toMillis() * 10);
        assertThat(tries).as("the write and its two repeats").hasSize(3);
        assertThat(answer).isNotDone();
    }

    @Test
    void theFirstTrysRefusalOrFailureAnswers() throws Exception {
        CompletableFuture<Boolean> refused = send();
        tries.get(0).complete(false);
        assertThat(refused.get(1, TimeUnit.SECONDS)).isFalse();

        CompletableFuture<Boolean> failed = send();
        tries.get(1).completeExceptionally(new IllegalStateException("no quorum"));
        assertThatThrownBy(() -> failed.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("no quorum");
    }
}
