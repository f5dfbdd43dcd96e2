package roomgate.node.tick;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import roomgate.node.metrics.NodeMetrics;
import roomgate.protocol.v1.GameType;

/** Every tick TickStats records reaches the room type's meters too. */
class TickStatsMetersTest {

    @Test
    void ticksFeedTheLatenessAndDurationTimersAndTheSkippedCounter() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NodeMetrics metrics = new NodeMetrics(registry);
        TickStats stats = new TickStats(Duration.ofMillis(8), metrics.tickMeters(GameType.ARENA));

        stats.record(TimeUnit.MILLISECONDS.toNanos(2), TimeUnit.MILLISECONDS.toNanos(1), 0, false);
        stats.record(TimeUnit.MILLISECONDS.toNanos(70), TimeUnit.MILLISECONDS.toNanos(3), 2, false);

        assertThat(registry.get("roomgate.tick.lateness")
                        .tag("room", "arena")
                        .timer()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("roomgate.tick.lateness").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(70);
        assertThat(registry.get("roomgate.tick.duration").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(4);
        assertThat(registry.get("roomgate.tick.skipped").counter().count()).isEqualTo(2);
        assertThat(stats.lateTicks()).as("TickStats' own figures are unchanged").isEqualTo(1);
        assertThat(metrics.tickMeters(GameType.ARENA))
                .as("one set of meters per room type")
                .isSameAs(metrics.tickMeters(GameType.ARENA));
    }
}
