package roomgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagsTest {
    private static final Set<String> KNOWN = Set.of("port", "node-id");

    @Test
    void flagBeatsEnvironmentWhichBeatsDefault() {
        Flags flags = Flags.parse(
                new String[] {"--port", "9000"}, Map.of("ROOMGATE_PORT", "8000", "ROOMGATE_NODE_ID", "n7"), KNOWN);
        assertThat(flags.getInt("port", 1, 0, 65535)).isEqualTo(9000);
        assertThat(flags.get("node-id", "x")).isEqualTo("n7");
        assertThat(Flags.parse(new String[0], Map.of(), KNOWN).get("node-id", "x"))
                .isEqualTo("x");
    }

    @Test
    void equalsFormIsAccepted() {
        assertThat(Flags.parse(new String[] {"--port=81"}, Map.of(), KNOWN).getInt("port", 1, 0, 65535))
                .isEqualTo(81);
    }

    @Test
    void unknownFlagAndBadNumberSayWhatWasExpected() {
        assertThatThrownBy(() -> Flags.parse(new String[] {"--prot", "1"}, Map.of(), KNOWN))
                .hasMessageContaining("--prot")
                .hasMessageContaining("[node-id, port]");
        Flags flags = Flags.parse(new String[] {"--port", "99999"}, Map.of(), KNOWN);
        assertThatThrownBy(() -> flags.getInt("port", 1, 0, 65535)).hasMessage("--port: 99999 (expected: 0..65535)");
    }
}
