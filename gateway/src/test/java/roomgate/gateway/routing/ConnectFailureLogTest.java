package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import roomgate.runtime.LogThrottle;

class ConnectFailureLogTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final ConnectFailureLog failures = new ConnectFailureLog(Duration.ofSeconds(30), now::get);

    private void advanceSeconds(long seconds) {
        now.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    @Test
    void aNodeDownForAMinuteOfProbesLogsItsFirstFailureThenOneLineEvery30Seconds() {
        int logged = 0;
        long heldBackTotal = 0;
        assertThat(failures.failed("node-1")).as("the first failure").isZero();
        logged++;
        for (int second = 1; second <= 60; second++) {
            advanceSeconds(1);
            long heldBack = failures.failed("node-1");
            if (heldBack != LogThrottle.HOLD) {
                logged++;
                heldBackTotal += heldBack;
            }
        }
        assertThat(logged)
                .as("61 probes failed, one line at the start and one per 30 s")
                .isEqualTo(3);
        assertThat(heldBackTotal).as("every failure is logged or counted").isEqualTo(61 - 3);
    }

    @Test
    void eachNodeHasItsOwnOutage() {
        assertThat(failures.failed("node-1")).isZero();
        assertThat(failures.failed("node-1")).isEqualTo(LogThrottle.HOLD);
        assertThat(failures.failed("node-2")).as("another node's first failure").isZero();
    }

    @Test
    void aLinkUpEndsTheOutageAndTheNextFailureIsLoggedAtOnce() {
        assertThat(failures.failed("node-1")).isZero();
        advanceSeconds(1);
        assertThat(failures.failed("node-1")).isEqualTo(LogThrottle.HOLD);
        failures.reachable("node-1");
        advanceSeconds(1);
        assertThat(failures.failed("node-1"))
                .as("a new outage, 2 s after the last line logged")
                .isZero();
    }
}
