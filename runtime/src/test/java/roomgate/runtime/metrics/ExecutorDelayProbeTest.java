package roomgate.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe sees a blocked executor: samples taken while it was blocked are late by about as long. */
class ExecutorDelayProbeTest {
    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Timer timer = ExecutorDelayProbe.timer(registry, "test.delay", "loop", "0", "test");

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aBlockedExecutorShowsAsDelayAsLongAsTheBlock() {
        ExecutorDelayProbe.start(executor, timer, Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> timer.count() >= 3);
        long before = timer.count();

        executor.execute(() -> sleep(300));

        // The sample due during the block runs after it: late by most of the 300 ms.
        await().atMost(Duration.ofSeconds(5)).until(() -> timer.count() >= before + 3);
        assertThat(timer.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(250);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(250);
    }

    @Test
    void aStoppedProbeRecordsNoMore() throws InterruptedException {
        ExecutorDelayProbe probe = ExecutorDelayProbe.start(executor, timer, Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> timer.count() >= 2);
        probe.stop();
        Thread.sleep(50); // at most the one sample already scheduled still runs, and it records nothing
        long stopped = timer.count();
        Thread.sleep(100); // ten sampling periods in which a running probe would record; a stopped one must not
        assertThat(timer.count()).isEqualTo(stopped);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
