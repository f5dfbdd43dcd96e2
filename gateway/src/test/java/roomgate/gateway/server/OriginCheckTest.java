package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;

/** The Origin rule of the WebSocket upgrade, on EmbeddedChannel. */
class OriginCheckTest {
    private final GatewayMetrics metrics = GatewayMetrics.disabled();

    private EmbeddedChannel channel(List<String> allowed, boolean tls) {
        return new EmbeddedChannel(new OriginCheck("/ws", allowed, tls, metrics));
    }

    private static FullHttpRequest upgrade(String uri, String host, String origin) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers()
                .set(HttpHeaderNames.UPGRADE, "websocket")
                .set(HttpHeaderNames.CONNECTION, "Upgrade")
                .set(HttpHeaderNames.HOST, host);
        if (origin != null) {
            request.headers().set(HttpHeaderNames.ORIGIN, origin);
        }
        return request;
    }

    /** Whether the request went on to the upgrade (and the check left the pipeline). */
    private static boolean passes(EmbeddedChannel channel, FullHttpRequest request) {
        channel.writeInbound(request);
        Object passed = channel.readInbound();
        if (passed != null) {
            assertThat(passed).isSameAs(request);
            assertThat(channel.pipeline().get(OriginCheck.class))
                    .as("removed after the upgrade")
                    .isNull();
            request.release();
            return true;
        }
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("origin not allowed");
        response.release();
        assertThat(channel.isOpen()).as("closed after the 403").isFalse();
        return false;
    }

    @Test
    void noOriginIsANonBrowserClientAndPasses() {
        assertThat(passes(channel(List.of(), false), upgrade("/ws", "gw.example.com:8080", null)))
                .isTrue();
    }

    @Test
    void sameOriginPassesWithPortsDefaultedByScheme() {
        assertThat(passes(
                        channel(List.of(), false), upgrade("/ws", "gw.example.com:8080", "http://gw.example.com:8080")))
                .isTrue();
        assertThat(passes(channel(List.of(), false), upgrade("/ws?room=r1", "GW.example.com", "http://gw.example.com")))
                .isTrue();
        assertThat(passes(channel(List.of(), true), upgrade("/ws", "gw.example.com", "https://gw.example.com:443")))
                .isTrue();
        assertThat(passes(channel(List.of(), false), upgrade("/ws", "[::1]:8080", "http://[::1]:8080")))
                .isTrue();
    }

    @Test
    void anotherOriginIsRefusedWith403AndClosed() {
        assertThat(passes(channel(List.of(), false), upgrade("/ws", "gw.example.com:8080", "http://evil.example.net")))
                .isFalse();
        assertThat(passes(
                        channel(List.of(), false), upgrade("/ws", "gw.example.com:8080", "http://gw.example.com:9999")))
                .as("same host, another port")
                .isFalse();
        assertThat(passes(channel(List.of(), true), upgrade("/ws", "gw.example.com", "http://gw.example.com")))
                .as("an http page against the https port (443 vs 80)")
                .isFalse();
        assertThat(passes(channel(List.of(), false), upgrade("/ws", "gw.example.com", "null")))
                .as("a sandboxed page")
                .isFalse();
        assertThat(metrics.refusals(Refusal.ORIGIN)).isEqualTo(4);
    }

    @Test
    void anAllowedOriginPassesAndOnlyThatOne() {
        List<String> allowed = List.of("https://play.example.com", "http://localhost:3000");
        assertThat(passes(channel(allowed, true), upgrade("/ws", "gw.example.com", "https://play.example.com")))
                .isTrue();
        assertThat(passes(channel(allowed, true), upgrade("/ws", "gw.example.com", "HTTPS://Play.Example.com")))
                .isTrue();
        assertThat(passes(channel(allowed, false), upgrade("/ws", "gw.example.com", "http://localhost:3000")))
                .isTrue();
        assertThat(passes(channel(allowed, true), upgrade("/ws", "gw.example.com", "http://play.example.com")))
                .as("the scheme counts")
                .isFalse();
        assertThat(passes(
                        channel(allowed, true), upgrade("/ws", "gw.example.com", "https://play.example.com.evil.net")))
                .isFalse();
    }

    @Test
    void otherHttpRequestsPassWhateverTheirOrigin() {
        EmbeddedChannel channel = channel(List.of(), false);
        FullHttpRequest games = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/games/r1");
        games.headers().set(HttpHeaderNames.ORIGIN, "http://evil.example.net");
        channel.writeInbound(games);
        assertThat(channel.<Object>readInbound()).isSameAs(games);
        games.release();
        assertThat(channel.pipeline().get(OriginCheck.class))
                .as("still there for the upgrade")
                .isNotNull();
    }
}
