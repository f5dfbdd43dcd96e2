package roomgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    /** Every gateway needs a link secret file (read only when the server starts). */
    private static final Map<String, String> LINK = Map.of("ROOMGATE_LINK_SECRET_FILE", "/etc/roomgate/link-secret");

    @Test
    void recordingIsOffUnlessBothFlagsAreGiven() {
        assertThat(GatewayConfig.fromArgs(new String[0], LINK).recording()).isNull();

        GatewayConfig on = GatewayConfig.fromArgs(
                new String[] {"--record-rooms", "glob:t-*"},
                Map.of(
                        "ROOMGATE_RECORD_FILE",
                        "/tmp/t.rgrec",
                        "ROOMGATE_LINK_SECRET_FILE",
                        "/etc/roomgate/link-secret"));
        assertThat(on.recording()).isEqualTo(new GatewayConfig.Recording("glob:t-*", Path.of("/tmp/t.rgrec")));

        assertThatThrownBy(() -> GatewayConfig.fromArgs(new String[] {"--record-file", "/tmp/t.rgrec"}, LINK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("go together");
    }

    @Test
    void aGatewayWithoutALinkSecretFileIsRefusedUnlessLinkAuthIsOff() {
        assertThatThrownBy(() -> GatewayConfig.fromArgs(new String[0], Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--link-secret-file: missing");
        assertThat(GatewayConfig.fromArgs(new String[0], LINK).link().secretFile())
                .isEqualTo(Path.of("/etc/roomgate/link-secret"));
        assertThat(GatewayConfig.fromArgs(new String[] {"--link-auth", "none"}, Map.of())
                        .link()
                        .auth()
                        .required())
                .isFalse();
    }
}
