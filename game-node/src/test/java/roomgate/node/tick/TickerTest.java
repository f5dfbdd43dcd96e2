package roomgate.node.tick;

import static org.assertj.core.api.Assertions.assertThat;

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
        sleep(windowEnd - System.nanoTime() + 50_000_000L);
        List<long[]> ticks = stopAndCollect(ticker);

        long inWindow = ticks.stream().filter(t -> t[1] <= windowEnd).count();
        assertThat(inWindow).as("ticks in 2 s at 30 Hz").isBetween(57L, 63L);
        for (long[] t : ticks) {
            assertThat(t[1]).as("tick %d never runs before its deadline", t[0]).isGreaterThanOrEqualTo(start + t[0] * P);
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
        sleep(start + 35 * P - System.nanoTime());
        List<long[]> ticks = stopAndCollect(ticker);

        List<Long> indices = ticks.stream().map(t -> t[0]).toList();
        int slow = indices.indexOf((long) slowIndex);
        assertThat(slow).as("the slow tick ran: %s", indices).isGreaterThanOrEqualTo(0);
        long catchUp = indices.get(slow + 1);
        assertThat(catchUp).as("the tick after the slow one stands in for the missed ones").isGreaterThanOrEqualTo(slowIndex + 3);
        long gaps = 0;
        for (int i = 1; i < indices.size(); i++) {
            assertThat(indices.get(i)).as("indices increase").isGreaterThan(indices.get(i - 1));
            gaps += indices.get(i) - indices.get(i - 1) - 1;
        }
        assertThat(stats.skippedTicks()).as("skipped ticks counted").isEqualTo(gaps).isGreaterThanOrEqualTo(2);
        assertThat(stats.ticks()).isEqualTo(ticks.size());
        assertThat(stats.maxLateness()).as("the catch-up tick was over 2 periods late").isGreaterThan(PERIOD.multipliedBy(2));
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
        System.out.printf("ticker: slow tick %d, next ran %d; median lateness after %.2f ms; %s%n",
                slowIndex, catchUp, median / 1e6, stats.summary());
    }

    @Test
    void aFailingTickIsCountedAndTheScheduleGoesOn() throws Exception {
        Ticker ticker = new Ticker("t", executor, PERIOD, stats, index -> {
            ran.add(new long[] {index, System.nanoTime()});
            throw new IllegalStateException("boom " + index);
        });
        executor.submit(ticker::start).get(5, TimeUnit.SECONDS);
        sleep(6 * P);
        List<long[]> ticks = stopAndCollect(ticker);
        assertThat(ticks).hasSizeGreaterThanOrEqualTo(3);
        assertThat(stats.failedTicks()).isEqualTo(ticks.size());
    }

    @Test
    void aStoppedTickerRunsNoMoreTicks() throws Exception {
        Ticker ticker = new Ticker("t", executor, PERIOD, stats, index -> ran.add(new long[] {index, System.nanoTime()}));
        executor.submit(ticker::start).get(5, TimeUnit.SECONDS);
        sleep(3 * P);
        int atStop = stopAndCollect(ticker).size();
        sleep(4 * P);
        assertThat(executor.submit(ran::size).get(5, TimeUnit.SECONDS)).isEqualTo(atStop);
        assertThat(ticker.isStopped()).isTrue();
    }
}
