package roomgate.gateway.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.config.GatewayConfig;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.server.GatewayServer;
import roomgate.gateway.session.ResumeTokens;
import roomgate.placement.NodeView;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.FeedUpdate;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Subscribe;
import roomgate.runtime.net.Transport;

/**
 * A real gateway server and a real client socket on loopback, with the defaults: a subscriber that
 * stops reading while 10,000 updates on 4 topics are published as fast as they can be gets, once it
 * reads again, no more than its pace allowed to be sent meanwhile, then the newest value of each
 * topic — not the backlog.
 */
class SlowReaderConflationTest {
    private static final List<String> TOPICS = List.of("stock.A", "stock.B", "stock.C", "stock.D");
    private static final int PER_TOPIC = 2_500;

    private final FakeUpstream upstream = new FakeUpstream();
    private final PubSubManager feeds = PubSubManager.instance();
    private GatewayServer server;
    private EventLoopGroup clients;

    @AfterEach
    void stop() {
        if (clients != null) {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        feeds.stop();
    }

    private static final class Reader extends SimpleChannelInboundHandler<WebSocketFrame> {
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        final CompletableFuture<Void> newestOfAll = new CompletableFuture<>();
        final ConcurrentLinkedQueue<FeedUpdate> updates = new ConcurrentLinkedQueue<>();
        final Map<String, Long> last = new ConcurrentHashMap<>();
        final int maxRate;
        Channel channel;

        Reader(int maxRate) {
            this.maxRate = maxRate;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(ClientMessage.newBuilder()
                        .setRequestId("s")
                        .setSubscribe(
                                Subscribe.newBuilder().addAllTopics(TOPICS).setMaxRate(maxRate))
                        .build()
                        .toByteArray())));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
            ServerMessage message = ServerMessage.parseFrom(new ByteBufInputStream(frame.content()));
            if (message.hasSubscribed()) {
                subscribed.complete(null);
            } else if (message.hasFeedUpdate()) {
                FeedUpdate update = message.getFeedUpdate();
                Long before = last.put(update.getTopic(), update.getSequence());
                if (before != null && before >= update.getSequence()) {
                    newestOfAll.completeExceptionally(
                            new AssertionError("out of order: " + before + " then " + update.getSequence()));
                }
                updates.add(update);
                if (last.size() == TOPICS.size() && last.values().stream().allMatch(s -> s == PER_TOPIC)) {
                    newestOfAll.complete(null);
                }
            }
        }
    }

    private Reader connect(int maxRate) throws Exception {
        feeds.start(upstream);
        server = GatewayServer.start(
                GatewayConfig.fromArgs(
                        new String[] {"--port", "0", "--io-threads", "1", "--link-auth", "none", "--auth", "none"},
                        Map.of()),
                Transport.NIO,
                NodeView::empty,
                ClientAuth.none(new ResumeTokens(new byte[32], Duration.ofMinutes(10))),
                null,
                feeds,
                GamesHttpHandler.off(),
                GatewayMetrics.disabled(),
                TrafficRecorder.OFF,
                null);
        clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Reader reader = new Reader(maxRate);
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/ws");
        Channel channel = new Bootstrap()
                .group(clients)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        new HttpObjectAggregator(1 << 16),
                                        new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                                .webSocketUri(uri)
                                                .build()),
                                        reader);
                    }
                })
                .connect("127.0.0.1", server.port())
                .sync()
                .channel();
        reader.subscribed.get(30, TimeUnit.SECONDS);
        channel.config().setAutoRead(false); // the client stops reading
        reader.channel = channel;
        return reader;
    }

    @Test
    void aReaderThatStopsDuringABurstGetsAtMostItsPaceThenTheNewestOfEachTopic() throws Exception {
        Reader reader = connect(0);
        long start = System.nanoTime();
        for (int seq = 1; seq <= PER_TOPIC; seq++) {
            for (String topic : TOPICS) {
                upstream.publish(topic, seq, seq);
            }
        }
        double burstSeconds = (System.nanoTime() - start) / 1e9;
        int before = reader.updates.size();
        reader.channel.config().setAutoRead(true);
        reader.newestOfAll.get(30, TimeUnit.SECONDS);

        // The pace: a burst of 1 + 100 ms worth per topic at once, then one per 1/rate s while the
        // burst lasts, then the newest, which may wait for its turn (one more per topic).
        int rate = FeedSession.DEFAULT_MAX_RATE;
        long bound = TOPICS.size()
                * (2 + rate * TopicSlot.BURST_NANOS / 1_000_000_000L + (long) Math.ceil(rate * burstSeconds));
        // Meaningful only if the pace, not the buffers, is what bounds it: far below the 10,000.
        assertThat(bound).as("bound for a %.3f s burst", burstSeconds).isLessThan(TOPICS.size() * PER_TOPIC / 10);
        System.out.printf(
                "slow reader: %d updates for a burst of %.3f s (bound %d), %d of them before it read again%n",
                reader.updates.size(), burstSeconds, bound, before);
        assertThat(reader.updates)
                .as("updates received for a burst of %.3f s (%d before reading again)", burstSeconds, before)
                .hasSizeLessThanOrEqualTo((int) bound);
        assertThat(reader.last)
                .containsOnlyKeys(TOPICS)
                .allSatisfy((t, s) -> assertThat(s).isEqualTo(PER_TOPIC));
    }
}
