package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import roomgate.gateway.feed.FeedStatus;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;

/** The public /health: what a load balancer needs, and nothing of the cluster's layout. */
class HealthHandlerTest {

    @Test
    void showsTheStatusAndCountsButNoNodeIdPidOrAddress() {
        NodeView view = NodeView.of(
                7,
                List.of(
                        new NodeInfo("node-secret-1", "10.1.2.3", 7001, 4242, UUID.randomUUID()),
                        new NodeInfo("node-secret-2", "10.1.2.4", 7002, 4343, UUID.randomUUID())));
        EmbeddedChannel channel = new EmbeddedChannel(new HealthHandler(
                "/ws",
                () -> view,
                () -> new FeedStatus(1, List.of(new FeedStatus.Topic("stock.A", 3, 0))),
                GamesHttpHandler.off()));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health"));
        FullHttpResponse response = channel.readOutbound();
        String body = response.content().toString(StandardCharsets.UTF_8);
        response.release();
        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(body).contains("\"status\": \"ok\"", "\"nodeCount\": 2", "\"localSubscribers\": 3");
        assertThat(body).doesNotContain("node-secret", "10.1.2", "4242", "4343", "pid", "linkAddress", "gatewayId");
    }

    /** Every counter is printed, zeros included: a script must not have to read a missing field as 0. */
    @Test
    void zeroCountersArePrintedNotOmitted() {
        EmbeddedChannel channel = new EmbeddedChannel(new HealthHandler(
                "/ws",
                NodeView::empty,
                () -> new FeedStatus(0, List.of(new FeedStatus.Topic("stock.A", 0, 0))),
                GamesHttpHandler.off()));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health"));
        FullHttpResponse response = channel.readOutbound();
        String json = response.content().toString(StandardCharsets.UTF_8);
        response.release();

        assertThat(json)
                .contains("\"nodeCount\": 0")
                .contains("\"upstreamSubscriptions\": 0")
                .contains("\"localSubscribers\": 0")
                .contains("\"missedUpdates\": \"0\"");
    }
}
