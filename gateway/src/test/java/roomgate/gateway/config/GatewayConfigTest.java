package roomgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void recordingIsOffUnlessBothFlagsAreGiven() {
        assertThat(GatewayConfig.fromArgs(new String[0], Map.of()).recording()).isNull();

        GatewayConfig on = GatewayConfig.fromArgs(
                new String[] {"--record-rooms", "glob:t-*"}, Map.of("ROOMGATE_RECORD_FILE", "/tmp/t.rgrec"));
        assertThat(on.recording()).isEqualTo(new GatewayConfig.Recording("glob:t-*", Path.of("/tmp/t.rgrec")));

        assertThatThrownBy(() -> GatewayConfig.fromArgs(new String[] {"--record-file", "/tmp/t.rgrec"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("go together");
    }
}
