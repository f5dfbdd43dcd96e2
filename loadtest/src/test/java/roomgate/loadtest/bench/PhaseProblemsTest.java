package roomgate.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import roomgate.loadtest.measure.RunStats;
import roomgate.protocol.v1.ErrorCode;

class PhaseProblemsTest {
    @Test
    void aPhaseWithMovesAndNoErrorsHasNoProblem() {
        RunStats measured = new RunStats();
        measured.moveCompleted(1_000_000);

        assertThat(BenchRun.phaseProblems("open-500", new RunStats(), measured)).isEmpty();
    }

    @Test
    void aWindowWithoutAnyCompletedMoveFailsThePhase() {
        assertThat(BenchRun.phaseProblems("fanout-2000", new RunStats(), new RunStats()))
                .containsExactly("fanout-2000: no move completed in the measured window");
    }

    @Test
    void refusedJoinsWhileSeatingFailThePhaseEvenIfTheWindowLooksClean() {
        RunStats seating = new RunStats();
        seating.error(ErrorCode.ROOM_UNAVAILABLE);
        RunStats measured = new RunStats();
        measured.moveCompleted(1_000_000);

        assertThat(BenchRun.phaseProblems("fanout-2000", seating, measured))
                .singleElement()
                .asString()
                .startsWith("fanout-2000: errors while seating and warming up")
                .contains("ROOM_UNAVAILABLE");
    }
}
