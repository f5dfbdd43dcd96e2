package roomgate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoomPatternTest {

    @Test
    void aGlobMatchesWholeIdsWithStarAndQuestionMark() {
        RoomPattern bench = RoomPattern.parse("glob:bench-*");
        assertThat(bench.matches("bench-1")).isTrue();
        assertThat(bench.matches("bench-")).isTrue();
        assertThat(bench.matches("xbench-1")).isFalse();

        RoomPattern one = RoomPattern.parse("r?.x");
        assertThat(one.matches("r1.x")).isTrue();
        // The dot is literal in a glob, not "any character".
        assertThat(one.matches("r1-x")).isFalse();
        assertThat(one.matches("r12.x")).isFalse();
    }

    @Test
    void aRegexMustMatchTheWholeId() {
        RoomPattern digits = RoomPattern.parse("regex:game-[0-9]+");
        assertThat(digits.matches("game-42")).isTrue();
        assertThat(digits.matches("game-42b")).isFalse();
        assertThat(digits.toString()).isEqualTo("regex:game-[0-9]+");
    }

    @Test
    void badPatternsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> RoomPattern.parse(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RoomPattern.parse("regex:(")).hasMessageContaining("bad regex");
    }
}
