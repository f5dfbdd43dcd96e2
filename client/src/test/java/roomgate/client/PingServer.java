package roomgate.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Pong;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.SessionStarted;

/**
 * A loopback WebSocket server at {@code /ws} that answers each Ping with a Pong in the frame type
 * it arrived in, and obeys a few text commands: {@code close-me} (close frame 1008 "bye"),
 * {@code drop-me} (TCP close without a close frame), {@code garbage-please} (a binary frame that
 * is no ServerMessage), {@code tokens-please} (two session_started, resume tokens "t1" then "t2"). Other paths get a 404. It records the type of every data frame it receives.
 */
final class PingServer implements AutoCloseable {
    /** Data frame types received, "binary" or "text", in arrival order. */
    final List<String> frameTypes = new CopyOnWriteArrayList<>();

    private final Channel serverChannel;

    PingServer(EventLoopGroup group) throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(65536),
                                        new WebSocketServerProtocolHandler("/ws"),
                                        new NotFound(),
                                        new Handler());
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) serverChannel.localAddress()).getPort() + "/ws");
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }

    private static ServerMessage pong(ClientMessage request) {
        return ServerMessage.newBuilder()
                .setRequestId(request.getRequestId())
                .setPong(Pong.newBuilder()
                        .setClientTimeMs(request.getPing().getClientTimeMs())
                        .setServerTimeMs(System.currentTimeMillis()))
                .build();
    }

    /** Answers requests for other paths, which WebSocketServerProtocolHandler passes on. */
    private static final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_FOUND))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
            if (frame instanceof BinaryWebSocketFrame) {
                frameTypes.add("binary");
                ClientMessage request = ClientMessage.parseFrom(frame.content().nioBuffer());
                if (request.hasPing()) {
                    ctx.writeAndFlush(new BinaryWebSocketFrame(
                            Unpooled.wrappedBuffer(pong(request).toByteArray())));
                }
            } else if (frame instanceof TextWebSocketFrame text) {
                frameTypes.add("text");
                switch (text.text()) {
                    case "close-me" ->
                        ctx.writeAndFlush(new CloseWebSocketFrame(1008, "bye"))
                                .addListener(ChannelFutureListener.CLOSE);
                    // From the head of the pipeline, so that the WebSocket handler sends no close frame.
                    case "drop-me" -> ctx.pipeline().firstContext().close();
                    // A length-delimited field 1 that claims 5 bytes but has none.
                    case "garbage-please" ->
                        ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0x0A, 0x05})));
                    case "tokens-please" -> {
                        for (String token : List.of("t1", "t2")) {
                            ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(ServerMessage.newBuilder()
                                    .setSessionStarted(
                                            SessionStarted.newBuilder().setResumeToken(token))
                                    .build()
                                    .toByteArray())));
                        }
                    }
                    default -> {
                        ClientMessage.Builder request = ClientMessage.newBuilder();
                        try {
                            JsonFormat.parser().merge(text.text(), request);
                        } catch (InvalidProtocolBufferException e) {
                            ctx.close();
                            return;
                        }
                        if (request.hasPing()) {
                            ctx.writeAndFlush(
                                    new TextWebSocketFrame(JsonFormat.printer().print(pong(request.build()))));
                        }
                    }
                }
            }
        }
    }
}
