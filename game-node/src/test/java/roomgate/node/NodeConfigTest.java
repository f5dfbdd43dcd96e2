package roomgate.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import roomgate.runtime.net.Transport;

class NodeConfigTest {
    private static final Map<String, String> NO_LINK_AUTH = Map.of("ROOMGATE_LINK_AUTH", "none");

    @Test
    void theTransportIsTheBestAvailableUnlessAnotherIsNamed() {
        assertThat(NodeConfig.fromArgs(new String[0], NO_LINK_AUTH).transport()).isEqualTo(Transport.best());
        assertThat(NodeConfig.fromArgs(new String[] {"--transport", "nio"}, NO_LINK_AUTH)
                        .transport())
                .isEqualTo(Transport.NIO);
        assertThatThrownBy(() -> NodeConfig.fromArgs(new String[] {"--transport", "uring"}, NO_LINK_AUTH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--transport: 'uring'");
    }
}
