package roomgate.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ServerMessage;

/**
 * A WebSocket connection to a roomgate gateway speaking the public {@code roomgate.v1} protocol, in
 * either its binary (protobuf) or text (proto3 JSON) form. It keeps every received
 * {@link ServerMessage} twice: in a queue that {@link #await} consumes by predicate, so a test can
 * wait for one reply without losing the events that arrived before it, and in a history that
 * {@link #received()} snapshots. A connection costs one channel and no thread of its own, so many
 * hundreds can share one {@link EventLoopGroup}; all methods are thread-safe, and only
 * {@link #onMessage} listeners run on the event loop. A load tester that reads messages as they
 * arrive connects with {@link Options#keepMessages()} off: then nothing is kept, messages go only to
 * listeners, and a connection's memory stays flat however long it runs.
 */
public final class RoomgateClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoomgateClient.class);

    /** How messages are put into frames. */
    public enum Encoding {
        /** One protobuf-encoded message per binary frame. */
        BINARY,
        /** One proto3 canonical JSON message per text frame. */
        JSON
    }

    /**
     * How a connection ended: the status code and reason of the server's close frame; code 1005 if
     * that frame carried no status; code -1 and an empty reason if the TCP connection ended without
     * a close frame from the server.
     */
    public record CloseStatus(int code, String reason) {
        static final CloseStatus NO_CLOSE_FRAME = new CloseStatus(-1, "");
        static final int NO_STATUS_RECEIVED = 1005;
    }

    /**
     * How to connect: the time allowed for the TCP connection and the handshake, whether received
     * messages are kept for {@link #await} and {@link #received()}, a listener that is in place
     * before the first message can arrive (so that, with nothing kept, none is missed), and the
     * client's identity token (a JWT, sent as {@code Authorization: Bearer} on the upgrade; null: none).
     */
    public record Options(Duration timeout, boolean keepMessages, Consumer<ServerMessage> listener, String token) {
        public Options {
            Objects.requireNonNull(timeout, "timeout");
        }

        /** 10 s, messages kept, no listener, no token: what {@link #connect(URI, Encoding)} uses. */
        public static Options defaults() {
            return new Options(DEFAULT_TIMEOUT, true, null, null);
        }

        public Options withTimeout(Duration timeout) {
            return new Options(timeout, keepMessages, listener, token);
        }

        /** With {@code false}, messages are passed to listeners only; {@link #await} and {@link #received()} refuse. */
        public Options withKeepMessages(boolean keepMessages) {
            return new Options(timeout, keepMessages, listener, token);
        }

        public Options withListener(Consumer<ServerMessage> listener) {
            return new Options(timeout, keepMessages, listener, token);
        }

        /** Presents {@code token} (a JWT the gateway trusts) on the upgrade request. */
        public Options withToken(String token) {
            return new Options(timeout, keepMessages, listener, token);
        }
    }

    static final int MAX_FRAME_PAYLOAD = 1 << 20;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser();
    // Process-wide so that generated ids are unique across clients, which keeps gateway logs unambiguous.
    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    private final Channel channel;
    private final Encoding encoding;
    private final Inbox inbox;

    private RoomgateClient(Channel channel, Encoding encoding, Inbox inbox) {
        this.channel = channel;
        this.encoding = encoding;
        this.inbox = inbox;
    }

    /**
     * Opens a connection and completes the WebSocket handshake within {@code timeout}.
     *
     * @throws IOException if the connection or the handshake fails
     * @throws TimeoutException if either does not finish in time
     */
    public static RoomgateClient connect(
            EventLoopGroup group, Class<? extends Channel> channelClass, URI uri, Encoding encoding, Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        return connect(group, channelClass, uri, encoding, Options.defaults().withTimeout(timeout));
    }

    /**
     * Opens a connection as {@link #connect(EventLoopGroup, Class, URI, Encoding, Duration)} does, with
     * the given options. The URI may carry a query ({@code /ws?room=r1}), which a proxy may route on.
     */
    public static RoomgateClient connect(
            EventLoopGroup group, Class<? extends Channel> channelClass, URI uri, Encoding encoding, Options options)
            throws IOException, InterruptedException, TimeoutException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(options, "options");
        Duration timeout = options.timeout();
        Objects.requireNonNull(channelClass, "channelClass");
        Objects.requireNonNull(encoding, "encoding");
        if (!"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected a ws://host[:port]/path URI, got " + uri);
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        long deadline = System.nanoTime() + timeout.toNanos();
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));

        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
                // The handler would swallow the server's close frame; Inbox needs its code and reason.
                .handleCloseFrames(false)
                .handshakeTimeoutMillis(timeoutMillis)
                .customHeaders(
                        options.token() == null
                                ? null
                                : new DefaultHttpHeaders()
                                        .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + options.token()))
                .build();
        Inbox inbox = new Inbox(options.keepMessages());
        if (options.listener() != null) {
            inbox.listeners.add(options.listener());
        }
        ChannelFuture connected = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        // Only the handshake response passes through here; error pages may carry a
                                        // body.
                                        new HttpObjectAggregator(64 * 1024),
                                        new WebSocketClientProtocolHandler(config),
                                        new WebSocketFrameAggregator(MAX_FRAME_PAYLOAD),
                                        inbox);
                    }
                })
                .connect(uri.getHost(), port);
        Channel channel = connected.channel();
        try {
            if (!connected.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("connecting to " + uri + " took longer than " + timeout);
            }
            if (!connected.isSuccess()) {
                Throwable cause = connected.cause();
                if (cause instanceof ConnectTimeoutException) {
                    throw (TimeoutException)
                            new TimeoutException("connecting to " + uri + " timed out").initCause(cause);
                }
                throw new IOException("cannot connect to " + uri + ": " + cause, cause);
            }
            try {
                inbox.handshake.get(remaining(deadline), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException("WebSocket handshake with " + uri + " took longer than " + timeout);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TimeoutException) {
                    throw new TimeoutException("WebSocket handshake with " + uri + " timed out");
                }
                throw new IOException("WebSocket handshake with " + uri + " failed: " + cause, cause);
            }
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new RoomgateClient(channel, encoding, inbox);
    }

    /** {@link #connect(EventLoopGroup, Class, URI, Encoding, Duration)} on a shared daemon NIO group, with a 10 s timeout. */
    public static RoomgateClient connect(URI uri, Encoding encoding)
            throws IOException, InterruptedException, TimeoutException {
        return connect(SharedGroup.GROUP, NioSocketChannel.class, uri, encoding, DEFAULT_TIMEOUT);
    }

    /** As {@link #connect(URI, Encoding)}, presenting {@code token} (a JWT) on the upgrade request. */
    public static RoomgateClient connect(URI uri, Encoding encoding, String token)
            throws IOException, InterruptedException, TimeoutException {
        return connect(
                SharedGroup.GROUP,
                NioSocketChannel.class,
                uri,
                encoding,
                Options.defaults().withToken(token));
    }

    /** Sends {@code message} in this client's encoding. Never blocks. */
    public void send(ClientMessage message) {
        if (encoding == Encoding.BINARY) {
            sendRawBinary(message.toByteArray());
        } else {
            String json;
            try {
                json = JSON_PRINTER.print(message);
            } catch (InvalidProtocolBufferException e) {
                // Only possible with Any fields, which the protocol does not use.
                throw new IllegalStateException("cannot print " + message + " as JSON", e);
            }
            sendRawText(json);
        }
    }

    /** Sends {@code bytes} as one binary frame, as-is. */
    public void sendRawBinary(byte[] bytes) {
        write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
    }

    /** Sends {@code text} as one text frame, as-is. */
    public void sendRawText(String text) {
        write(new TextWebSocketFrame(text));
    }

    private void write(WebSocketFrame frame) {
        channel.writeAndFlush(frame).addListener(f -> {
            if (!f.isSuccess()) {
                // The connection is gone; closeFuture() reports that, so this is no error of the caller's.
                LOG.debug(
                        "dropped a frame to {}: {}",
                        channel.remoteAddress(),
                        f.cause().toString());
            }
        });
    }

    /**
     * Removes and returns the oldest received message that {@code matcher} accepts, waiting for one
     * if none has arrived yet. Messages it skips stay queued for later calls.
     *
     * @throws IllegalStateException if a frame from the server could not be parsed since the last
     *     call (once per such frame), or if the connection closed with no matching message queued
     * @throws TimeoutException if no matching message arrives within {@code timeout}
     */
    public ServerMessage await(Predicate<ServerMessage> matcher, Duration timeout)
            throws TimeoutException, InterruptedException {
        if (channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("await() would block the event loop that delivers the message");
        }
        inbox.requireKept("await()");
        return inbox.take(matcher, timeout);
    }

    /**
     * Sends {@code message}, first giving it a fresh request_id if it has none, and returns the
     * first message that carries that request_id back.
     */
    public ServerMessage request(ClientMessage message, Duration timeout)
            throws TimeoutException, InterruptedException {
        if (message.getRequestId().isEmpty()) {
            message = message.toBuilder()
                    .setRequestId("rq-" + REQUEST_IDS.incrementAndGet())
                    .build();
        }
        String requestId = message.getRequestId();
        send(message);
        return await(m -> m.getRequestId().equals(requestId), timeout);
    }

    /**
     * The newest resume token this connection was given ({@code session_started}: on its first
     * answer, again half way through the last one's life), or null before the first. A token resumes
     * its connection once: after a resume, use the token the new connection is given, and after a
     * {@code RESUME_REJECTED} join the rooms again (with an identity token the seats come back).
     * Kept whether or not messages are.
     */
    public String resumeToken() {
        return inbox.resumeToken;
    }

    /** Every message received so far (or since {@link #clearHistory()}), oldest first. Unaffected by {@link #await}. */
    public List<ServerMessage> received() {
        inbox.requireKept("received()");
        return inbox.history();
    }

    /** Forgets the history kept for {@link #received()}; messages not yet taken by {@link #await} stay queued. */
    public void clearHistory() {
        inbox.clearHistory();
    }

    /**
     * Calls {@code listener} on the event loop for each message received from now on, after it is
     * queued. It must not block; exceptions it throws are logged and otherwise ignored.
     */
    public void onMessage(Consumer<ServerMessage> listener) {
        inbox.listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops (false) or resumes (true) reading from the connection: a paused client lets the
     * server's data pile up in the socket buffers, as a slow reader would. Received messages are
     * unaffected; nothing new arrives until reading resumes.
     */
    public void setAutoRead(boolean autoRead) {
        channel.config().setAutoRead(autoRead);
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Completes once the connection has closed, whichever side closed it. */
    public CompletableFuture<CloseStatus> closeFuture() {
        // A copy, so that callers cannot complete the client's own future.
        return inbox.closed.copy();
    }

    /**
     * Starts the closing handshake (status 1000) and waits up to 2 s for the server to finish it;
     * then closes the connection regardless. Does not wait when called on the event loop.
     */
    @Override
    public void close() {
        if (channel.isActive()) {
            // Goes through WebSocketProtocolHandler, which drops any later writes, including the echo of a
            // close frame the server sends in reply.
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        }
        if (channel.eventLoop().inEventLoop()) {
            channel.close();
            return;
        }
        try {
            inbox.closed.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            // The server did not answer; give up on a clean close.
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "RoomgateClient[" + channel.remoteAddress() + ", " + encoding + (isOpen() ? "" : ", closed") + "]";
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Received messages, parse failures and the connection's fate; also the last handler of the pipeline. */
    private static final class Inbox extends SimpleChannelInboundHandler<WebSocketFrame> {
        final CompletableFuture<Void> handshake = new CompletableFuture<>();
        final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        final List<Consumer<ServerMessage>> listeners = new CopyOnWriteArrayList<>();
        private final boolean keep;
        /** The newest session_started's token; written on the event loop. */
        volatile String resumeToken;

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<ServerMessage> queue = new ArrayDeque<>();
        private final ArrayDeque<IllegalStateException> failures = new ArrayDeque<>();
        private final List<ServerMessage> history = new ArrayList<>();
        private CloseStatus ended; // non-null once the channel has closed
        // Written and read on the event loop only.
        private CloseStatus serverClose = CloseStatus.NO_CLOSE_FRAME;

        Inbox(boolean keep) {
            this.keep = keep;
        }

        void requireKept(String what) {
            if (!keep) {
                throw new IllegalStateException(what + " needs a client that keeps messages (Options.keepMessages)");
            }
        }

        ServerMessage take(Predicate<ServerMessage> matcher, Duration timeout)
                throws TimeoutException, InterruptedException {
            long nanos = timeout.toNanos();
            lock.lock();
            try {
                while (true) {
                    IllegalStateException failure = failures.poll();
                    if (failure != null) {
                        throw failure;
                    }
                    for (Iterator<ServerMessage> it = queue.iterator(); it.hasNext(); ) {
                        ServerMessage message = it.next();
                        if (matcher.test(message)) {
                            it.remove();
                            return message;
                        }
                    }
                    if (ended != null) {
                        // Nothing can arrive any more; failing now beats waiting out the timeout.
                        throw new IllegalStateException("connection closed (" + ended
                                + ") and no queued message matches; " + queue.size() + " others queued: " + summary());
                    }
                    if (nanos <= 0) {
                        throw new TimeoutException("no matching message within " + timeout + "; " + queue.size()
                                + " others queued: " + summary());
                    }
                    nanos = changed.awaitNanos(nanos);
                }
            } finally {
                lock.unlock();
            }
        }

        private String summary() {
            StringBuilder sb = new StringBuilder();
            int shown = 0;
            for (ServerMessage m : queue) {
                if (shown++ == 5) {
                    return sb.append(" ...").toString();
                }
                sb.append(shown == 1 ? "" : " | ")
                        .append(m.getBodyCase())
                        .append(" rid=")
                        .append(m.getRequestId());
            }
            return sb.toString();
        }

        List<ServerMessage> history() {
            lock.lock();
            try {
                return new ArrayList<>(history);
            } finally {
                lock.unlock();
            }
        }

        void clearHistory() {
            lock.lock();
            try {
                history.clear();
            } finally {
                lock.unlock();
            }
        }

        // Not a closeFuture listener: those run before the decoders upstream flush what they buffered at EOF,
        // such as an error response that was delimited by the close itself.
        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            handshake.completeExceptionally(new IOException("connection closed during the handshake"));
            lock.lock();
            try {
                ended = serverClose;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            closed.complete(serverClose);
            super.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                handshake.completeExceptionally(new TimeoutException("WebSocket handshake timed out"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame) {
                ServerMessage message;
                try {
                    message = ServerMessage.parseFrom(frame.content().nioBuffer());
                } catch (InvalidProtocolBufferException e) {
                    fail(new IllegalStateException(
                            "server sent a binary frame of " + frame.content().readableBytes()
                                    + " bytes that is no ServerMessage",
                            e));
                    return;
                }
                deliver(message);
            } else if (frame instanceof TextWebSocketFrame text) {
                String json = text.text();
                ServerMessage.Builder builder = ServerMessage.newBuilder();
                try {
                    JSON_PARSER.merge(json, builder);
                } catch (InvalidProtocolBufferException | RuntimeException e) {
                    fail(new IllegalStateException(
                            "server sent a text frame that is no ServerMessage: " + abbreviate(json), e));
                    return;
                }
                deliver(builder.build());
            } else if (frame instanceof CloseWebSocketFrame close) {
                int code = close.statusCode();
                serverClose = code == -1
                        ? new CloseStatus(CloseStatus.NO_STATUS_RECEIVED, "")
                        : new CloseStatus(code, close.reasonText());
                // RFC 6455 5.5.1: answer with a close frame echoing the status, then the server closes TCP.
                // If we initiated the close, this write is dropped and we just close.
                CloseWebSocketFrame echo = code == -1 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
                ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void deliver(ServerMessage message) {
            if (message.hasSessionStarted()) {
                resumeToken = message.getSessionStarted().getResumeToken();
            }
            if (keep) {
                lock.lock();
                try {
                    queue.add(message);
                    history.add(message);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            for (Consumer<ServerMessage> listener : listeners) {
                try {
                    listener.accept(message);
                } catch (RuntimeException e) {
                    LOG.warn("onMessage listener failed on {}", message.getBodyCase(), e);
                }
            }
        }

        private void fail(IllegalStateException failure) {
            LOG.warn(failure.getMessage(), failure.getCause());
            lock.lock();
            try {
                failures.add(failure);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!handshake.completeExceptionally(cause)) {
                LOG.debug("closing connection to {} after {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
        }

        private static String abbreviate(String s) {
            return s.length() <= 200 ? s : s.substring(0, 200) + "...";
        }
    }

    /** The group behind {@link #connect(URI, Encoding)}, created on first use. */
    private static final class SharedGroup {
        // Daemon threads: a forgotten client must not keep a test JVM alive.
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
                0, new DefaultThreadFactory("roomgate-client", true), NioIoHandler.newFactory());
    }
}
