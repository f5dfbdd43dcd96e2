package roomgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(5), now::get);

    @Test
    void theFirstLineOfABurstIsLoggedThenOnePerIntervalWithTheCountHeldBack() {
        assertThat(throttle.admit()).isZero();
        for (int i = 0; i < 3; i++) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertThat(throttle.admit()).isEqualTo(LogThrottle.HOLD);
        }
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(throttle.admit()).as("5 s after the last line logged").isEqualTo(3);
        assertThat(throttle.admit()).isEqualTo(LogThrottle.HOLD);
    }

    @Test
    void aLineAfterAQuietIntervalIsLoggedWithNothingHeldBack() {
        assertThat(throttle.admit()).isZero();
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(throttle.admit()).isZero();
    }
}
