package roomgate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.runtime.metrics.MetricsHttpServer;

/** /metrics is answered off the loop; other paths pass on; the WebSocket upgrade removes the handler. */
class MetricsHttpHandlerTest {
    private final List<Runnable> scrapeThread = new ArrayList<>();
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new MetricsHttpHandler("/ws", () -> "roomgate_test 1.0\n", scrapeThread::add));

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    @Test
    void metricsAreScrapedOnTheScrapeExecutorAndNotOnTheLoop() {
        channel.writeInbound(get("/metrics"));
        assertThat(channel.<Object>readOutbound())
                .as("nothing written on the loop itself")
                .isNull();
        assertThat(channel.config().isAutoRead())
                .as("no more reads while scraping")
                .isFalse();

        scrapeThread.forEach(Runnable::run);
        channel.runPendingTasks();
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo(MetricsHttpServer.CONTENT_TYPE);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).isEqualTo("roomgate_test 1.0\n");
        assertThat(channel.config().isAutoRead()).isTrue();
        response.release();
    }

    @Test
    void otherPathsArePassedOnAndTheUpgradeRemovesTheHandler() {
        FullHttpRequest health = get("/health");
        channel.writeInbound(health);
        assertThat(channel.<Object>readInbound()).isSameAs(health);
        assertThat(channel.pipeline().get(MetricsHttpHandler.class)).isNotNull();

        FullHttpRequest upgrade = get("/ws");
        channel.writeInbound(upgrade);
        assertThat(channel.<Object>readInbound()).isSameAs(upgrade);
        assertThat(channel.pipeline().get(MetricsHttpHandler.class)).isNull();
        assertThat(scrapeThread).isEmpty();
        health.release();
        upgrade.release();
    }
}
