package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.gateway.feed.FeedStatus;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.placement.NodeView;

/** /health says when clients are not authenticated, without changing the body tools parse strictly. */
class HealthWarningTest {
    private static FullHttpResponse health(boolean authenticated) {
        EmbeddedChannel channel = new EmbeddedChannel(new HealthHandler(
                "/ws", NodeView::empty, () -> new FeedStatus(0, List.of()), GamesHttpHandler.off(), authenticated));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health"));
        return channel.readOutbound();
    }

    @Test
    void underAuthNoneHealthCarriesAWarningHeader() {
        FullHttpResponse none = health(false);
        FullHttpResponse jwt = health(true);
        try {
            assertThat(none.headers().get(HttpHeaderNames.WARNING)).contains("--auth none");
            assertThat(jwt.headers().get(HttpHeaderNames.WARNING)).isNull();
            assertThat(none.content().toString(StandardCharsets.UTF_8))
                    .as("the same body either way")
                    .isEqualTo(jwt.content().toString(StandardCharsets.UTF_8));
        } finally {
            none.release();
            jwt.release();
        }
    }
}
