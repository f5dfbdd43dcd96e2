package roomgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void stopsPartsInTheReverseOrderOfTheirStart() {
        List<String> stopped = Collections.synchronizedList(new ArrayList<>());
        Lifecycle lifecycle = new Lifecycle("test");
        lifecycle.onStop("cluster", () -> stopped.add("cluster"));
        lifecycle.onStop("links", () -> stopped.add("links"));
        lifecycle.onStop("clients", () -> stopped.add("clients"));

        assertThat(lifecycle.stop()).isEmpty();

        assertThat(stopped).containsExactly("clients", "links", "cluster");
    }

    @Test
    void aFailingPartIsReportedAndTheOthersStillStop() {
        List<String> stopped = Collections.synchronizedList(new ArrayList<>());
        Lifecycle lifecycle = new Lifecycle("test");
        lifecycle.onStop("first", () -> stopped.add("first"));
        lifecycle.onStop("broken", () -> {
            throw new IllegalStateException("boom");
        });
        lifecycle.onStop("last", () -> stopped.add("last"));

        assertThat(lifecycle.stop()).containsExactly("broken");

        assertThat(stopped).containsExactly("last", "first");
    }

    @Test
    void aHungPartIsLeftBehindAfterItsTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        List<String> stopped = Collections.synchronizedList(new ArrayList<>());
        Lifecycle lifecycle = new Lifecycle("test");
        lifecycle.onStop("first", () -> stopped.add("first"));
        lifecycle.onStop("hung", Duration.ofMillis(100), never::await);

        long start = System.nanoTime();
        assertThat(lifecycle.stop()).containsExactly("hung");

        assertThat(stopped).containsExactly("first");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Lifecycle.DEFAULT_TIMEOUT);
        never.countDown();
    }

    @Test
    void onlyTheFirstStopStopsAnythingAndNothingCanBeAddedAfterIt() {
        List<String> stopped = Collections.synchronizedList(new ArrayList<>());
        Lifecycle lifecycle = new Lifecycle("test");
        lifecycle.onStop("part", () -> stopped.add("part"));

        lifecycle.stop();
        lifecycle.stop();

        assertThat(stopped).containsExactly("part");
        assertThatThrownBy(() -> lifecycle.onStop("late", () -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("late");
    }
}
