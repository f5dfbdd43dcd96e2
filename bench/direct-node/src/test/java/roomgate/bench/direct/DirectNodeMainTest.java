package roomgate.bench.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectNodeMainTest {

    @Test
    void takesTheWsPortOutAndLeavesTheNodesFlagsInOrder() {
        List<String> rest = new ArrayList<>();
        int port =
                DirectNodeMain.wsPort(new String[] {"--node-id", "n1", "--ws-port", "8081", "--link-port", "0"}, rest);

        assertThat(port).isEqualTo(8081);
        assertThat(rest).containsExactly("--node-id", "n1", "--link-port", "0");
    }

    @Test
    void acceptsTheEqualsForm() {
        List<String> rest = new ArrayList<>();
        assertThat(DirectNodeMain.wsPort(new String[] {"--ws-port=0"}, rest)).isZero();
        assertThat(rest).isEmpty();
    }

    @Test
    void refusesAMissingOrBadPort() {
        assertThatThrownBy(() -> DirectNodeMain.wsPort(new String[] {"--node-id", "n1"}, new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--ws-port is required");
        assertThatThrownBy(() -> DirectNodeMain.wsPort(new String[] {"--ws-port", "70000"}, new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'70000'");
        assertThatThrownBy(() -> DirectNodeMain.wsPort(new String[] {"--ws-port", "x"}, new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'");
    }
}
