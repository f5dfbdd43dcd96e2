package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The scrape reader the system tests check meters with: a name or label that is not there fails, never reads 0. */
class MetricsTest {
    private final Metrics metrics = Metrics.parse("""
            # HELP roomgate_node_claims_total Claims of rooms by this node, by outcome
            # TYPE roomgate_node_claims_total counter
            roomgate_node_claims_total{outcome="created",} 3.0
            roomgate_node_claims_total{outcome="error",} 0.0
            roomgate_node_links 2.0
            roomgate_frames_total{direction="in",encoding="json",} 4.0
            roomgate_frames_total{direction="in",encoding="binary",} 5.0
            """);

    @Test
    void readsTheOneSampleWithTheLabelsGiven() {
        assertThat(metrics.value("roomgate_node_claims_total", "outcome", "created"))
                .isEqualTo(3);
        assertThat(metrics.value("roomgate_node_claims_total", "outcome", "error"))
                .isZero();
        assertThat(metrics.value("roomgate_node_links")).isEqualTo(2);
        assertThat(metrics.value("roomgate_frames_total", "direction", "in", "encoding", "binary"))
                .isEqualTo(5);
        assertThat(metrics.sum("roomgate_frames_total", "direction", "in")).isEqualTo(9);
    }

    @Test
    void aMetricNotInTheScrapeFails() {
        assertThatThrownBy(() -> metrics.value("roomgate_node_claim_total", "outcome", "error"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no metric roomgate_node_claim_total");
        assertThatThrownBy(() -> metrics.value("roomgate_node_link"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no metric roomgate_node_link");
        assertThatThrownBy(() -> metrics.sum("roomgate_frame_total"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no metric roomgate_frame_total");
    }

    @Test
    void aLabelOrLabelValueNoSampleHasFails() {
        assertThatThrownBy(() -> metrics.value("roomgate_node_claims_total", "result", "error"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("has a label result");
        assertThatThrownBy(() -> metrics.value("roomgate_node_claims_total", "outcome", "eror"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("found 0");
        assertThatThrownBy(() -> metrics.sum("roomgate_frames_total", "dir", "in"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("has a label dir");
    }

    @Test
    void moreThanOneMatchingSampleFails() {
        assertThatThrownBy(() -> metrics.value("roomgate_frames_total", "direction", "in"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("found 2");
    }

    @Test
    void aCounterRegisteredOnItsFirstCountReadsZeroOnlyWhereItHasNoSample() {
        assertThat(metrics.countedOrZero("roomgate_node_moves_refused_total", "code", "ILLEGAL_MOVE"))
                .isZero();
        assertThat(metrics.countedOrZero("roomgate_node_claims_total", "outcome", "created"))
                .isEqualTo(3);
    }
}
