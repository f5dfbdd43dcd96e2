package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;

/**
 * The gateway's limits on one client connection, each on an {@code EmbeddedChannel} with the handler
 * that enforces it; time is the embedded loop's own, advanced by the test (no sleeps).
 */
class ClientLimitsTest {
    private final GatewayMetrics metrics = GatewayMetrics.disabled();

    private static List<Object> drainOutbound(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            out.add(o);
        }
        return out;
    }

    private static String text(List<Object> out) {
        StringBuilder s = new StringBuilder();
        for (Object o : out) {
            if (o instanceof ByteBuf buf) {
                s.append(buf.toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(o);
        }
        return s.toString();
    }

    // --- output budget and backpressure ---

    @Test
    void aWritePastTheOutputBudgetClosesTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new OutputGuard(1_000, metrics));
        // Written, not flushed: queued as bytes a client that does not read leaves with us.
        channel.write(Unpooled.wrappedBuffer(new byte[600]));
        assertThat(channel.isOpen()).isTrue();
        channel.write(Unpooled.wrappedBuffer(new byte[600]))
                .addListener(f -> assertThat(f.isSuccess()).isFalse());
        assertThat(channel.isOpen()).as("600 + 600 queued > 1,000").isFalse();
        assertThat(metrics.refusals(Refusal.OUTPUT_BUDGET)).isEqualTo(1);
        drainOutbound(channel).forEach(ReferenceCountUtil::release);
    }

    @Test
    void aWebSocketPastTheOutputBudgetIsSentOneCloseFrameWithTheReason() {
        EmbeddedChannel channel = new EmbeddedChannel(
                new OutputGuard(1_000, metrics),
                new io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder(false));
        channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[600])));
        // Crosses the budget: its batch still goes whole (a frame cut in two would garble the close frame).
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[600])));
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[600])))
                .addListener(f -> assertThat(f.isSuccess()).as("dropped").isFalse());
        String wire = text(drainOutbound(channel));
        // Two frames of a 4-byte header and 600 bytes, then the close frame; the third never went.
        int close = 2 * 604;
        assertThat(wire.charAt(close)).isEqualTo((char) 0x88);
        assertThat((wire.charAt(close + 2) << 8) | wire.charAt(close + 3)).isEqualTo(1008);
        assertThat(wire.substring(close + 4)).isEqualTo("client reads too slowly: more than 1000 bytes queued");
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.refusals(Refusal.OUTPUT_BUDGET)).isEqualTo(1);
    }

    @Test
    void writesWithinTheBudgetPassUntouched() {
        EmbeddedChannel channel = new EmbeddedChannel(new OutputGuard(1_000, metrics));
        for (int i = 0; i < 10; i++) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[600]));
        }
        assertThat(channel.isOpen()).as("each is taken before the next").isTrue();
        assertThat(drainOutbound(channel)).hasSize(10).allSatisfy(ReferenceCountUtil::release);
        assertThat(metrics.refusals(Refusal.OUTPUT_BUDGET)).isZero();
    }

    @Test
    void readingStopsWhileTheConnectionIsUnwritableAndResumesAfter() {
        EmbeddedChannel channel = new EmbeddedChannel(new OutputGuard(1 << 20, metrics));
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(100, 200));
        channel.write(Unpooled.wrappedBuffer(new byte[300]));
        assertThat(channel.isWritable()).isFalse();
        assertThat(channel.config().isAutoRead())
                .as("paused while output is full")
                .isFalse();
        channel.flush();
        assertThat(channel.isWritable()).isTrue();
        assertThat(channel.config().isAutoRead()).as("resumed once written").isTrue();

        // Stopped for good (the goodbye): writability does not resume it.
        channel.write(Unpooled.wrappedBuffer(new byte[300]));
        channel.attr(OutputGuard.READING_STOPPED).set(true);
        channel.flush();
        assertThat(channel.config().isAutoRead()).isFalse();
        drainOutbound(channel).forEach(ReferenceCountUtil::release);
    }

    // --- pings and fragments ---

    private EmbeddedChannel websocket(int rate, int burst, int maxFragments) {
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .sendCloseFrame(null)
                .build();
        EmbeddedChannel channel = new EmbeddedChannel(
                new FrameGuard(rate, burst, maxFragments, metrics),
                new WebSocketServerProtocolHandler(config),
                new WebSocketFrameAggregator(1 << 16),
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                        // As the session does: the aggregator's "closed while aggregating" ends nothing more.
                    }
                });
        // As after a real handshake, which takes the handshake handler out of the pipeline.
        channel.pipeline().remove("io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandshakeHandler");
        return channel;
    }

    @Test
    void pingsPastTheRateLimitAreDroppedUnanswered() {
        EmbeddedChannel channel = websocket(5, 100, 64);
        for (int i = 0; i < 100; i++) {
            channel.writeInbound(new PingWebSocketFrame());
        }
        drainOutbound(channel).forEach(ReferenceCountUtil::release);
        // The burst is spent; now 5/s: one in a few, then a pause as an honest client would make.
        int answered = 0;
        for (int i = 0; i < 50; i++) {
            channel.writeInbound(new PingWebSocketFrame());
            List<Object> out = drainOutbound(channel);
            answered += out.size();
            out.forEach(ReferenceCountUtil::release);
        }
        assertThat(answered).as("50 pings at once past the burst").isLessThanOrEqualTo(1);
        assertThat(metrics.refusals(Refusal.PING)).isGreaterThanOrEqualTo(49);
        assertThat(channel.isOpen()).as("fewer than a burst dropped in a row").isTrue();
    }

    @Test
    void aPingFloodIsClosed() {
        EmbeddedChannel channel = websocket(5, 5, 64);
        for (int i = 0; i < 100 && channel.isOpen(); i++) {
            channel.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
        }
        List<Object> out = drainOutbound(channel);
        // The burst of 5 (maybe one more refilled meanwhile at 5/s), then one close frame.
        assertThat(out.subList(0, out.size() - 1))
                .allMatch(o -> o instanceof PongWebSocketFrame)
                .hasSizeBetween(5, 6);
        CloseWebSocketFrame close = (CloseWebSocketFrame) out.get(out.size() - 1);
        assertThat(close.statusCode()).isEqualTo(1008);
        assertThat(close.reasonText()).startsWith("ping flood");
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.refusals(Refusal.PING)).isGreaterThanOrEqualTo(6);
        assertThat(metrics.refusals(Refusal.PING_FLOOD)).isEqualTo(1);
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void pingsAreNotAnsweredWhileTheOutputIsFull() {
        EmbeddedChannel channel = websocket(100, 200, 64);
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(100, 200));
        channel.write(Unpooled.wrappedBuffer(new byte[300]));
        channel.writeInbound(new PingWebSocketFrame());
        channel.flush();
        List<Object> out = drainOutbound(channel);
        assertThat(out).hasSize(1).noneMatch(o -> o instanceof PongWebSocketFrame);
        assertThat(metrics.refusals(Refusal.PING)).isEqualTo(1);
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aMessageInFewFragmentsIsPassedWhole() {
        EmbeddedChannel channel = websocket(100, 200, 4);
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1})));
        channel.writeInbound(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {2})));
        channel.writeInbound(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {3})));
        channel.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {4})));
        BinaryWebSocketFrame whole = channel.readInbound();
        assertThat(whole.content().readableBytes()).isEqualTo(4);
        whole.release();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aMessageInMoreFragmentsThanTheCapClosesWith1008() {
        EmbeddedChannel channel = websocket(100, 200, 4);
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {0})));
        for (int i = 0; i < 10 && channel.isOpen(); i++) {
            channel.writeInbound(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1})));
        }
        List<Object> out = drainOutbound(channel);
        assertThat(out).hasSize(1);
        CloseWebSocketFrame close = (CloseWebSocketFrame) out.get(0);
        assertThat(close.statusCode()).isEqualTo(1008);
        assertThat(close.reasonText()).contains("more than 4 fragments");
        close.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.refusals(Refusal.FRAGMENTS)).isEqualTo(1);
    }

    @Test
    void fragmentsDrawFromTheRateLimit() {
        EmbeddedChannel channel = websocket(5, 5, 1_000);
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {0})));
        for (int i = 0; i < 20 && channel.isOpen(); i++) {
            channel.writeInbound(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1})));
        }
        List<Object> out = drainOutbound(channel);
        assertThat(((CloseWebSocketFrame) out.get(0)).reasonText()).contains("fragments faster than 5/s");
        out.forEach(ReferenceCountUtil::release);
        assertThat(channel.isOpen()).isFalse();
    }

    // --- HTTP ---

    /** HTTP codec, aggregator and the guard, then a handler that answers nothing and keeps requests. */
    private EmbeddedChannel http(List<FullHttpRequest> received) {
        return new EmbeddedChannel(
                new HttpServerCodec(),
                new HttpObjectAggregator(16 * 1024),
                new HttpGuard(10, metrics),
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        received.add((FullHttpRequest) msg);
                    }
                });
    }

    @Test
    void oversizedHeadersAreAnswered431AndClosed() {
        List<FullHttpRequest> received = new ArrayList<>();
        EmbeddedChannel channel = http(received);
        String request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9_000) + "\r\n\r\n";
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        String answer = text(drainOutbound(channel));
        assertThat(answer)
                .startsWith("HTTP/1.1 431 Request Header Fields Too Large")
                .contains("connection: close");
        assertThat(received).as("nothing passed on").isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.refusals(Refusal.HTTP_BAD_REQUEST)).isEqualTo(1);
    }

    @Test
    void aRequestNotCompleteWithinTheDeadlineIsAnswered408AndClosed() {
        List<FullHttpRequest> received = new ArrayList<>();
        EmbeddedChannel channel = http(received);
        // Slowloris: the request line and one header, then nothing.
        channel.writeInbound(Unpooled.copiedBuffer("GET /ws HTTP/1.1\r\nHost: x\r\n", StandardCharsets.US_ASCII));
        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(text(drainOutbound(channel))).startsWith("HTTP/1.1 408 Request Timeout");
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.refusals(Refusal.HTTP_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void eachCompleteRequestStartsANewDeadline() {
        List<FullHttpRequest> received = new ArrayList<>();
        EmbeddedChannel channel = http(received);
        for (int i = 0; i < 3; i++) {
            channel.advanceTimeBy(8, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            channel.writeInbound(
                    Unpooled.copiedBuffer("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        }
        assertThat(received).hasSize(3);
        assertThat(channel.isOpen())
                .as("24 s old, never 10 s without a whole request")
                .isTrue();
        received.forEach(FullHttpRequest::release);
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen())
                .as("an idle keep-alive connection goes too")
                .isFalse();
        drainOutbound(channel).forEach(ReferenceCountUtil::release);
    }

    @Test
    void aConnectionCarriesAtMostAHundredRequests() {
        List<FullHttpRequest> received = new ArrayList<>();
        EmbeddedChannel channel = http(received);
        String request = "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n";
        // Pipelined, in one read: 120 requests (unanswered here; the codec holds at most 128).
        channel.writeInbound(Unpooled.copiedBuffer(request.repeat(120), StandardCharsets.US_ASCII));
        assertThat(received).hasSize(HttpGuard.MAX_REQUESTS);
        assertThat(io.netty.handler.codec.http.HttpUtil.isKeepAlive(received.get(98)))
                .isTrue();
        assertThat(io.netty.handler.codec.http.HttpUtil.isKeepAlive(received.get(99)))
                .as("the last one is answered as Connection: close")
                .isFalse();
        received.forEach(FullHttpRequest::release);
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.refusals(Refusal.HTTP_REQUESTS)).isEqualTo(1);
        drainOutbound(channel).forEach(ReferenceCountUtil::release);
    }

    // --- keepalive ---

    /** Marks a pipeline as a WebSocket's, as the handshake's frame encoder does; frames pass as they are. */
    private static final class UpgradedMarker extends ChannelOutboundHandlerAdapter implements WebSocketFrameEncoder {}

    private EmbeddedChannel webSocketWithKeepAlive() {
        return new EmbeddedChannel(new UpgradedMarker(), new KeepAlive(2, 6, metrics));
    }

    @Test
    void aSilentWebSocketIsPingedThenClosedAtTheIdleLimit() {
        EmbeddedChannel channel = webSocketWithKeepAlive();
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            channel.advanceTimeBy(2, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            out.addAll(drainOutbound(channel));
        }
        assertThat(out).hasSize(2).allMatch(o -> o instanceof PingWebSocketFrame);
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1001);
        assertThat(close.reasonText()).contains("idle");
        close.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.refusals(Refusal.IDLE)).isEqualTo(1);
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aClientThatAnswersPingsStaysOpen() {
        EmbeddedChannel channel = webSocketWithKeepAlive();
        for (int i = 0; i < 20; i++) {
            channel.advanceTimeBy(2, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            Object ping = channel.readOutbound();
            if (ping != null) {
                ReferenceCountUtil.release(ping);
                channel.writeInbound(new PongWebSocketFrame());
                Object pong = channel.readInbound();
                ReferenceCountUtil.release(pong);
            }
        }
        assertThat(channel.isOpen()).isTrue();
        assertThat(metrics.refusals(Refusal.IDLE)).isZero();
    }

    @Test
    void aClientHeardFromWithinTheIntervalIsNotPinged() {
        EmbeddedChannel channel = webSocketWithKeepAlive();
        for (int i = 0; i < 10; i++) {
            channel.advanceTimeBy(1, TimeUnit.SECONDS);
            channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
            ReferenceCountUtil.release(channel.readInbound());
            channel.runScheduledPendingTasks();
        }
        assertThat(drainOutbound(channel))
                .as("a byte a second, a ping interval of 2 s")
                .isEmpty();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        Object ping = channel.readOutbound();
        assertThat(ping).as("2 s after the last byte").isInstanceOf(PingWebSocketFrame.class);
        ReferenceCountUtil.release(ping);
    }

    @Test
    void silenceBeforeTheHandshakeIsLeftToTheHttpDeadline() {
        EmbeddedChannel channel = new EmbeddedChannel(new KeepAlive(2, 6, metrics));
        channel.advanceTimeBy(8, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(drainOutbound(channel)).as("no ping to an HTTP connection").isEmpty();
        assertThat(channel.isOpen()).isTrue();
        // The handshake puts the WebSocket encoder in: from then on silence counts.
        channel.pipeline().addFirst(new UpgradedMarker());
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        Object ping = channel.readOutbound();
        assertThat(ping).isInstanceOf(PingWebSocketFrame.class);
        ReferenceCountUtil.release(ping);
        assertThat(channel.isOpen()).isTrue();
        assertThat(metrics.refusals(Refusal.IDLE)).isZero();
    }

    // --- connection caps ---

    private static EmbeddedChannel from(String address) {
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(address, 40_000);
            }
        };
    }

    @Test
    void connectionsAreCappedPerAddressAndInTotal() {
        ConnectionCaps caps = new ConnectionCaps(3, 2);
        EmbeddedChannel a1 = from("127.0.0.2");
        assertThat(caps.admit(a1)).isNull();
        assertThat(caps.admit(from("127.0.0.2"))).isNull();
        assertThat(caps.admit(from("127.0.0.2"))).isEqualTo(Refusal.CONNECTIONS_PER_ADDRESS);
        assertThat(caps.admit(from("127.0.0.3"))).isNull();
        assertThat(caps.admit(from("127.0.0.4"))).isEqualTo(Refusal.CONNECTIONS_TOTAL);
        assertThat(caps.open()).isEqualTo(3);
        a1.close();
        assertThat(caps.open()).isEqualTo(2);
        assertThat(caps.admit(from("127.0.0.2")))
                .as("a closed connection frees its place")
                .isNull();
    }
}
