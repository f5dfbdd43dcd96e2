package roomgate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.server.TestSession;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Ping;
import roomgate.runtime.metrics.ProcessMetrics;
import roomgate.wire.client.ClientFrameCodec;

/**
 * The client pipeline's meters, with the real codec and session and no node behind them: what a
 * malformed frame, a ping and a join nobody can serve each move.
 */
class ClientMetersTest {
    private final PrometheusMeterRegistry registry = ProcessMetrics.newRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry);
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        // The routers need the channel's loop, so the pipeline is built once it is registered; the
        // meters are in place before the channel becomes active, as in the real initializer.
        channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline()
                        .addLast(
                                new ClientFrameCodec(metrics.frameCounter()),
                                new ClientMessageMeter(metrics, MoveLatencyMeter.Timers.of(registry)),
                                new TestSession()
                                        .rate(100, 100)
                                        .metrics(metrics)
                                        .handler(ch));
            }
        });
        TestSession.upgraded(channel);
    }

    /** The counter's count; a counter not registered fails (MeterNotFoundException) rather than reading 0. */
    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private int drainOutbound() {
        int frames = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ((WebSocketFrame) out).release();
            frames++;
        }
        return frames;
    }

    @Test
    void aMalformedFrameCountsAFrameInAndAnErrorOutButNoMessage() {
        byte[] garbage = {0x0a, (byte) 0xff, (byte) 0xff};
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(garbage)));

        assertThat(drainOutbound()).isEqualTo(1);
        assertThat(counter("roomgate.gateway.frames", "direction", "in", "encoding", "binary"))
                .isEqualTo(1);
        assertThat(counter("roomgate.gateway.frame.payload", "direction", "in", "encoding", "binary"))
                .isEqualTo(3);
        assertThat(counter("roomgate.gateway.frames", "direction", "out", "encoding", "binary"))
                .isEqualTo(1);
        assertThat(counter("roomgate.gateway.errors", "code", "MALFORMED_MESSAGE"))
                .isEqualTo(1);
        assertThat(registry.find("roomgate.gateway.messages").counters())
                .as("no message type for garbage")
                .isEmpty();
    }

    @Test
    void aPingCountsAsAPingMessageAndIsAnsweredWithoutAnError() {
        ClientMessage ping = ClientMessage.newBuilder()
                .setRequestId("p")
                .setPing(Ping.getDefaultInstance())
                .build();
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(ping.toByteArray())));

        // The session's resume token, then the pong.
        assertThat(drainOutbound()).isEqualTo(2);
        assertThat(counter("roomgate.gateway.messages", "type", "ping")).isEqualTo(1);
        assertThat(counter("roomgate.gateway.frames", "direction", "in", "encoding", "binary"))
                .isEqualTo(1);
        assertThat(counter("roomgate.gateway.frame.payload", "direction", "in", "encoding", "binary"))
                .isEqualTo(ping.getSerializedSize());
        assertThat(counter("roomgate.gateway.frames", "direction", "out", "encoding", "binary"))
                .isEqualTo(2);
        assertThat(registry.find("roomgate.gateway.errors").counters()).isEmpty();
    }

    @Test
    void aJsonJoinWithNoLiveNodeIsAnUnavailableLookupAndARoomUnavailableError() {
        channel.writeInbound(new TextWebSocketFrame("{\"join\":{\"roomId\":\"r1\",\"gameType\":\"CHESS\"}}"));

        assertThat(drainOutbound()).isEqualTo(2);
        assertThat(counter("roomgate.gateway.messages", "type", "join")).isEqualTo(1);
        assertThat(counter("roomgate.gateway.frames", "direction", "in", "encoding", "json"))
                .isEqualTo(1);
        assertThat(counter("roomgate.gateway.frames", "direction", "out", "encoding", "json"))
                .isEqualTo(2);
        assertThat(counter("roomgate.gateway.routing.lookups", "result", "unavailable"))
                .isEqualTo(1);
        assertThat(counter("roomgate.gateway.errors", "code", "ROOM_UNAVAILABLE"))
                .isEqualTo(1);
    }

    @Test
    void connectionsAndSessionsGoUpAndDownWithTheChannel() {
        assertThat(gauge("roomgate.gateway.connections")).isEqualTo(1);
        assertThat(gauge("roomgate.gateway.sessions")).isEqualTo(1);
        assertThat(counter("roomgate.gateway.handshakes")).isEqualTo(1);

        channel.close();

        assertThat(gauge("roomgate.gateway.connections")).isZero();
        assertThat(gauge("roomgate.gateway.sessions")).isZero();
        assertThat(counter("roomgate.gateway.handshakes")).isEqualTo(1);
    }

    @Test
    void theScrapeShowsTheCountersUnderPrometheusNames() {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0x0a, (byte) 0xff})));
        drainOutbound();
        assertThat(registry.scrape())
                .contains("roomgate_gateway_errors_total{code=\"MALFORMED_MESSAGE\"} 1.0")
                .contains("roomgate_gateway_frames_total{direction=\"in\",encoding=\"binary\"} 1.0")
                .contains("roomgate_gateway_sessions 1.0");
    }
}
