package roomgate.feed.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.FeedUpdate;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Subscribe;

/**
 * A minimal binary WebSocket subscriber for the benchmark: subscribes, then for each feed update
 * records publish-to-deliver latency and notes gaps in its topic's sequence. It keeps nothing it
 * receives, unlike the test client, so thousands of them can run for minutes in one JVM.
 */
final class BenchSubscriber extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final BenchStats stats;
    private final List<String> topics;
    private final int maxRate;
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private long lastSequence;

    private BenchSubscriber(BenchStats stats, List<String> topics, int maxRate) {
        this.stats = stats;
        this.topics = topics;
        this.maxRate = maxRate;
    }

    /** Connects, subscribes and completes once {@code Subscribed} has arrived. */
    static CompletableFuture<Void> open(
            EventLoopGroup group, URI uri, List<String> topics, int maxRate, BenchStats stats) {
        BenchSubscriber handler = new BenchSubscriber(stats, topics, maxRate);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .handshakeTimeoutMillis(30_000)
                .build();
        new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        new HttpObjectAggregator(64 * 1024),
                                        new WebSocketClientProtocolHandler(config),
                                        handler);
                    }
                })
                .connect(uri.getHost(), uri.getPort())
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        handler.subscribed.completeExceptionally(f.cause());
                    }
                });
        return handler.subscribed;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            byte[] subscribe = ClientMessage.newBuilder()
                    .setRequestId("s")
                    .setSubscribe(Subscribe.newBuilder().addAllTopics(topics).setMaxRate(maxRate))
                    .build()
                    .toByteArray();
            ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(subscribe)));
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            subscribed.completeExceptionally(new IOException("handshake timed out"));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
        if (!(frame instanceof BinaryWebSocketFrame)) {
            return;
        }
        ServerMessage message = ServerMessage.parseFrom(new ByteBufInputStream(frame.content()));
        if (message.hasFeedUpdate()) {
            FeedUpdate update = message.getFeedUpdate();
            // Only one topic per subscriber in the benchmark, so one last sequence is enough.
            stats.delivered(
                    System.currentTimeMillis() - update.getPublisherTimeMs(),
                    lastSequence != 0 && update.getSequence() != lastSequence + 1);
            lastSequence = update.getSequence();
        } else if (message.hasSubscribed()) {
            subscribed.complete(null);
        } else if (message.hasError()) {
            subscribed.completeExceptionally(new IOException("refused: " + message.getError()));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        subscribed.completeExceptionally(new IOException("connection closed"));
        stats.disconnected();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        subscribed.completeExceptionally(cause);
        ctx.close();
    }
}
