package roomgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import roomgate.runtime.net.Transport;

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

    @Test
    void tlsOriginsAndTheAdminTokenFile() {
        GatewayConfig.Edge none = GatewayConfig.fromArgs(new String[0], LINK).edge();
        assertThat(none).isEqualTo(new GatewayConfig.Edge(null, java.util.List.of(), null));

        GatewayConfig.Edge edge = GatewayConfig.fromArgs(
                        new String[] {
                            "--tls-cert-file", "/c.pem",
                            "--tls-key-file", "/k.pem",
                            "--tls-provider", "openssl",
                            "--allowed-origins", " https://Play.example.com , http://localhost:3000,",
                            "--admin-token-file", "/run/admin-token"
                        },
                        LINK)
                .edge();
        assertThat(edge.tls())
                .isEqualTo(
                        new GatewayConfig.Tls(Path.of("/c.pem"), Path.of("/k.pem"), GatewayConfig.TlsProvider.OPENSSL));
        assertThat(edge.allowedOrigins()).containsExactly("https://play.example.com", "http://localhost:3000");
        assertThat(edge.adminTokenFile()).isEqualTo(Path.of("/run/admin-token"));

        assertThat(GatewayConfig.fromArgs(new String[] {"--tls-cert-file", "/c", "--tls-key-file", "/k"}, LINK)
                        .edge()
                        .tls()
                        .provider())
                .as("the measured faster one")
                .isEqualTo(GatewayConfig.TlsProvider.OPENSSL);
        assertThatThrownBy(() -> GatewayConfig.fromArgs(new String[] {"--tls-cert-file", "/c.pem"}, LINK))
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> GatewayConfig.fromArgs(
                        new String[] {"--tls-cert-file", "/c", "--tls-key-file", "/k", "--tls-provider", "boring"},
                        LINK))
                .hasMessageContaining("expected: jdk or openssl");
        assertThatThrownBy(() -> GatewayConfig.fromArgs(
                        new String[] {"--allowed-origins", "https://play.example.com/lobby"}, LINK))
                .hasMessageContaining("--allowed-origins: 'https://play.example.com/lobby'");
    }

    @Test
    void theTransportIsTheBestAvailableUnlessAnotherIsNamed() {
        assertThat(GatewayConfig.fromArgs(new String[0], LINK).transport()).isEqualTo(Transport.best());
        assertThat(GatewayConfig.fromArgs(new String[] {"--transport", "nio"}, LINK)
                        .transport())
                .isEqualTo(Transport.NIO);
        assertThat(GatewayConfig.fromArgs(
                                new String[0], Map.of("ROOMGATE_TRANSPORT", "nio", "ROOMGATE_LINK_AUTH", "none"))
                        .transport())
                .isEqualTo(Transport.NIO);
        assertThatThrownBy(() -> GatewayConfig.fromArgs(new String[] {"--transport", "select"}, LINK))
                .hasMessageContaining("--transport: 'select'");
    }
}
