package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.gateway.feed.FeedStatus;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.placement.NodeView;

/** /health prints every counter, zeros included: a script must not have to read a missing field as 0. */
class HealthHandlerTest {
    @Test
    void zeroCountersArePrintedNotOmitted() {
        EmbeddedChannel channel = new EmbeddedChannel(new HealthHandler(
                "/ws",
                "gw-1",
                NodeView::empty,
                () -> new FeedStatus(0, List.of(new FeedStatus.Topic("stock.A", 0, 0))),
                GamesHttpHandler.off()));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health"));
        FullHttpResponse response = channel.readOutbound();
        String json = response.content().toString(StandardCharsets.UTF_8);
        response.release();

        assertThat(json)
                .contains("\"upstreamSubscriptions\": 0")
                .contains("\"viewVersion\": \"0\"")
                .contains("\"nodes\": []")
                .contains("\"localSubscribers\": 0")
                .contains("\"missedUpdates\": \"0\"");
    }
}
