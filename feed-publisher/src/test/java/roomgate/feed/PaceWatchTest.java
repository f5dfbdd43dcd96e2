package roomgate.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaceWatchTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aWindowUnderTheTargetIsReportedWithTheRateAchievedAndCounted() {
        List<String> warnings = new ArrayList<>();
        // 4 topics at 1,000/s each: 4,000 updates/s asked for, checked per second.
        PaceWatch watch = new PaceWatch(4_000, SECOND, 0, warnings::add);
        for (int i = 1; i <= 370; i++) {
            watch.published(4, i * SECOND / 370); // 1,480 in the first second
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("published 1480 updates/s").contains("4000/s asked for");
        assertThat(watch.behindWindows()).isEqualTo(1);
        assertThat(watch.lowestRate()).isEqualTo(1480.0);

        for (int i = 1; i <= 1000; i++) {
            watch.published(4, SECOND + i * SECOND / 1000); // on schedule in the second
        }
        assertThat(warnings).as("kept the rate: nothing new").hasSize(1);
        assertThat(watch.behindWindows()).isEqualTo(1);
    }

    @Test
    void jitterWithinTheToleranceIsNotAShortfallButBelowItIs() {
        List<String> warnings = new ArrayList<>();
        PaceWatch watch = new PaceWatch(100, SECOND, 0, warnings::add);
        for (int i = 1; i <= 96; i++) {
            watch.published(1, i * SECOND / 96);
        }
        assertThat(warnings).as("96 of 100").isEmpty();
        for (int i = 1; i <= 94; i++) {
            watch.published(1, SECOND + i * SECOND / 94);
        }
        assertThat(warnings).as("94 of 100").hasSize(1);
        assertThat(watch.behindWindows()).isEqualTo(1);
    }
}
