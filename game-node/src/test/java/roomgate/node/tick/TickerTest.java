package roomgate.node.tick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ticker on the executor the node uses for room stripes, in real time. */
class TickerTest {
    private static final Duration PERIOD = Duration.ofNanos(1_000_000_000L / 30);
    private static final long P = PERIOD.toNanos();

    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final TickStats stats = new TickStats(PERIOD.dividedBy(4));
    /** (grid index, System.nanoTime() when the tick ran); written on the executor, read after stop. */
    private final List<long[]> ran = new ArrayList<>();

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private List<long[]> stopAndCollect(Ticker ticker) throws Exception {
        // Stopped on the executor so that no tick is half-recorded when we read.
        executor.submit(ticker::stop).get(5, TimeUnit.SECONDS);
        return executor.submit(() -> new ArrayList<>(ran)).get(5, TimeUnit.SECONDS);
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void thirtyHertzForTwoSecondsIsSixtyTicksEvenWhenEveryTickTakesTime() throws Exception {
        // Each tick takes 3 ms: a scheduler that waits a period *after* each tick would drift to ~55.
        Ticker ticker = new Ticker("t", executor, PERIOD, stats, index -> {
            ran.add(new long[] {index, System.nanoTime()});
            sleep(3_000_000);
        });
        executor.submit(ticker::start).get(5, TimeUnit.SECONDS);
        long start = ticker.startNanos();
        long windowEnd = start + 2_000_000_000L + P / 2;
        // The measured window: the test counts the ticks that ran in these 2 s of real time.
        sleep(windowEnd - System.nanoTime() + 50_000_000L);
        List<long[]> ticks = stopAndCollect(ticker);

        long inWindow = ticks.stream().filter(t -> t[1] <= windowEnd).count();
        assertThat(inWindow).as("ticks in 2 s at 30 Hz").isBetween(57L, 63L);
        for (long[] t : ticks) {
            assertThat(t[1])
                    .as("tick %d never runs before its deadline", t[0])
                    .isGreaterThanOrEqualTo(start + t[0] * P);
        }
        System.out.printf("ticker: %d ticks in 2 s; %s%n", inWindow, stats.summary());
    }

    @Test
    void aSlowTickSkipsTheMissedTicksInsteadOfBurstingAndKeepsTheGrid() throws Exception {
        int slowIndex = 10;
        long slowNanos = 7 * P / 2; // 3.5 periods: ticks 11 and 12 are missed, 13 is due when it ends
        Ticker ticker = new Ticker("t", executor, PERIOD, stats, index -> {
            ran.add(new long[] {index, System.nanoTime()});
            if (index == slowIndex) {
                sleep(slowNanos);
            }
        });
        executor.submit(ticker::start).get(5, TimeUnit.SECONDS);
        long start = ticker.startNanos();
        // 35 periods of real time: the slow tick, the catch-up, and enough ticks after it to see the grid.
        sleep(start + 35 * P - System.nanoTime());
        List<long[]> ticks = stopAndCollect(ticker);

        List<Long> indices = ticks.stream().map(t -> t[0]).toList();
        assertThat(indices)
                .as("the slow tick ran, and one after it")
                .contains((long) slowIndex)
                .last()
                .isNotEqualTo((long) slowIndex);
        int slow = indices.indexOf((long) slowIndex);
        long catchUp = indices.get(slow + 1);
        assertThat(catchUp)
                .as("the tick after the slow one stands in for the missed ones")
                .isGreaterThanOrEqualTo(slowIndex + 3);
        long gaps = 0;
        for (int i = 1; i < indices.size(); i++) {
            assertThat(indices.get(i)).as("indices increase").isGreaterThan(indices.get(i - 1));
            gaps += indices.get(i) - indices.get(i - 1) - 1;
        }
        assertThat(stats.skippedTicks())
                .as("skipped ticks counted")
                .isEqualTo(gaps)
                .isGreaterThanOrEqualTo(2);
        assertThat(stats.ticks()).isEqualTo(ticks.size());
        assertThat(stats.maxLateness())
                .as("the catch-up tick was over 2 periods late")
                .isGreaterThan(PERIOD.multipliedBy(2));
        assertThat(stats.maxDuration()).isGreaterThanOrEqualTo(Duration.ofNanos(slowNanos));

        // After the catch-up the ticks are back on the original grid, not on a grid restarted late.
        List<Long> lateness = new ArrayList<>();
        for (long[] t : ticks.subList(slow + 2, ticks.size())) {
            lateness.add(t[1] - (start + t[0] * P));
        }
        assertThat(lateness).as("ticks after the catch-up").hasSizeGreaterThanOrEqualTo(15);
        lateness.sort(null);
        long median = lateness.get(lateness.size() / 2);
        assertThat(median).as("median lateness after the catch-up (ns)").isBetween(0L, P / 4);
        System.out.printf(
                "ticker: slow tick %d, next ran %d; median lateness after %.2f ms; %s%n",
                slowIndex, catchUp, median / 1e6, stats.summary());
    }

    @Test
    void aFailingTickIsCountedAndTheScheduleGoesOn() throws Exception {
        Ticker ticker = new Ticker("t", executor, PERIOD, stats, index -> {
            ran.add(new long[] {index, System.nanoTime()});
            throw new IllegalStateException("boom " + index);
        });
        executor.submit(ticker::start).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> executor.submit(ran::size).get() >= 3);
        List<long[]> ticks = stopAndCollect(ticker);
        assertThat(ticks).as("ticks after the first failed one").hasSizeGreaterThanOrEqualTo(3);
        assertThat(stats.failedTicks()).isEqualTo(ticks.size());
    }

    @Test
    void aStoppedTickerRunsNoMoreTicks() throws Exception {
        Ticker ticker =
                new Ticker("t", executor, PERIOD, stats, index -> ran.add(new long[] {index, System.nanoTime()}));
        executor.submit(ticker::start).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> executor.submit(ran::size).get() >= 2);
        int atStop = stopAndCollect(ticker).size();
        // Four periods in which a ticker still running would have run about four ticks; none may run.
        sleep(4 * P);
        assertThat(executor.submit(ran::size).get(5, TimeUnit.SECONDS)).isEqualTo(atStop);
        assertThat(ticker.isStopped()).isTrue();
    }
}
