package roomgate.gateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.gateway.auth.AuthFailure;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.auth.Identity;
import roomgate.gateway.config.GatewayConfig.ClientLimits;
import roomgate.gateway.feed.FeedSession;
import roomgate.gateway.feed.PubSubManager;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.routing.Router;
import roomgate.gateway.routing.RouterGroup;
import roomgate.gateway.session.ClientSession;
import roomgate.gateway.session.LoopFlusher;
import roomgate.gateway.session.RateLimiter;
import roomgate.gateway.session.ResumeTokens;
import roomgate.gateway.session.SessionCaps;
import roomgate.gateway.session.TextChecks;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Pong;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.Resumed;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.SessionStarted;
import roomgate.wire.client.DecodeFailure;
import roomgate.wire.client.Delivery;
import roomgate.wire.client.RoomRequests;

/**
 * The last handler of a client connection: once the WebSocket handshake is done it opens a
 * {@link ClientSession}, answers pings itself, refuses floods and requests it can judge without a
 * node, hands room requests to the router of its event loop and feed subscriptions to the
 * connection's {@link FeedSession}. Malformed messages draw from the rate limit like any message,
 * and past {@code maxMalformed} of them (one more allowed per second) the connection is closed.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {
    /** Names of the HTTP-only handlers that the session removes once the connection is a WebSocket. */
    public static final String HEALTH_HANDLER = "health";

    public static final String HTTP_GUARD = "http-guard";

    public static final String DEV_TOKENS = "dev-tokens";

    private final RouterGroup routers;
    private final PubSubManager feeds;
    private final AtomicLong sessionIds;
    private final String gatewayId;
    private final ClientAuth auth;
    private final int ratePerSecond;
    private final int burst;
    private final TrafficRecorder recorder;
    private final ClientLimits limits;
    private final GatewayMetrics metrics;
    private ClientSession session;
    private Router router;
    private FeedSession feedSession;
    /*
     * The limiter, the malformed-message budget, the caps, the connection id and the queue behind a
     * resume are made at their first use, not at the handshake: most connections never need some of
     * them, and every idle connection would carry them all (bench/idle/heap.sh).
     */
    private RateLimiter limiter;
    private RateLimiter malformed;
    private SessionCaps caps;
    private long lastRateErrorNanos;
    private boolean started;
    private boolean closing;
    /** Who the client is; null until it has presented a valid token (--auth jwt). */
    private Identity identity;
    /** When the last resume token was issued (System.nanoTime), to send a fresh one when it ages. */
    private long resumeTokenIssuedNanos;
    /** This connection's id, named by every resume token issued to it (ResumeGuard); null until the first. */
    private String connectionId;
    /** A resume waits for the cluster to spend its token's connection; what follows it waits too. */
    private boolean resumePending;
    /** Messages that came while a resume was pending: handled after it, in order; null until the first. */
    private ArrayDeque<ClientMessage> afterResume;

    /** {@code recorder} is told of every room request this handler routes and of the session's end. */
    public SessionHandler(
            RouterGroup routers,
            PubSubManager feeds,
            AtomicLong sessionIds,
            String gatewayId,
            ClientAuth auth,
            int ratePerSecond,
            int burst,
            ClientLimits limits,
            GatewayMetrics metrics,
            TrafficRecorder recorder) {
        this.limits = limits;
        this.metrics = metrics;
        this.routers = routers;
        this.feeds = feeds;
        this.sessionIds = sessionIds;
        this.gatewayId = gatewayId;
        this.auth = auth;
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.recorder = recorder;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            for (String http : new String[] {HEALTH_HANDLER, HTTP_GUARD, DEV_TOKENS}) {
                if (ctx.pipeline().get(http) != null) {
                    ctx.pipeline().remove(http);
                }
            }
            String participantId = gatewayId + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong());
            session = new ClientSession(sessionIds.incrementAndGet(), participantId, ctx.channel());
            session.batchWrites(
                    GuardedFrameOutput.of(ctx.pipeline(), metrics),
                    LoopFlusher.of(ctx.channel().eventLoop()));
            router = routers.of(ctx.channel().eventLoop());
            router.register(session);
            identify(ctx, (WebSocketServerProtocolHandler.HandshakeComplete) event);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session == null || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof DecodeFailure failure) {
            onMalformed(ctx, failure);
        } else if (msg instanceof ClientMessage message) {
            onMessage(ctx, message);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMalformed(ChannelHandlerContext ctx, DecodeFailure failure) {
        long now = System.nanoTime();
        if (malformed == null) {
            malformed = new RateLimiter(1, limits.maxMalformed(), now);
        }
        if (!malformed.tryAcquire(now)) {
            metrics.refused(Refusal.MALFORMED);
            Closing.close(
                    ctx.channel(),
                    WebSocketCloseStatus.POLICY_VIOLATION,
                    "more than " + limits.maxMalformed() + " malformed messages");
            closing = true; // nothing more is taken from this connection
            return;
        }
        if (rateLimited(ctx, now, "")) {
            return;
        }
        session.error("", failure.code(), "", failure.message());
    }

    /** Whether the message must be dropped for the rate limit; tells the client once a second at most. */
    private boolean rateLimited(ChannelHandlerContext ctx, long now, String requestId) {
        if (limiter(ctx).tryAcquire(now)) {
            return false;
        }
        // One refusal a second at most: answering every message of a flood would be a flood.
        if (now - lastRateErrorNanos > 1_000_000_000L) {
            lastRateErrorNanos = now;
            session.error(
                    requestId,
                    ErrorCode.RATE_LIMITED,
                    "",
                    "more than " + ratePerSecond + " messages/s (burst " + burst + "); messages are being dropped");
        }
        return true;
    }

    private void onMessage(ChannelHandlerContext ctx, ClientMessage message) {
        if (message.getBodyCase() == ClientMessage.BodyCase.AUTHENTICATE) {
            // Before an identity, a bad token closes the connection; after it, each answer draws from the limit.
            if (identity == null || !rateLimited(ctx, System.nanoTime(), message.getRequestId())) {
                authenticate(ctx, message);
            }
            return;
        }
        if (identity == null) {
            refuse(ctx, message.getRequestId(), ErrorCode.UNAUTHENTICATED, "send authenticate{token} first");
            return;
        }
        if (resumePending) {
            holdUntilResumed(message);
            return;
        }
        if (!started
                || System.nanoTime() - resumeTokenIssuedNanos
                        > auth.resumeTokens().ttl().toNanos() / 2) {
            // Sent with the first answer rather than on connect, so it comes in the client's encoding;
            // again once it is half way to its expiry, so the token a client holds is always fresh.
            started = true;
            startSession("");
        }
        if (rateLimited(ctx, System.nanoTime(), message.getRequestId())) {
            return;
        }
        if (message.getBodyCase() == ClientMessage.BodyCase.PING) {
            session.deliver(Delivery.of(ServerMessage.newBuilder()
                    .setRequestId(message.getRequestId())
                    .setPong(Pong.newBuilder()
                            .setClientTimeMs(message.getPing().getClientTimeMs())
                            .setServerTimeMs(System.currentTimeMillis()))
                    .build()));
            return;
        }
        if (message.getBodyCase() == ClientMessage.BodyCase.RESUME) {
            resume(ctx, message.getRequestId(), message.getResume());
            return;
        }
        if (message.getBodyCase() == ClientMessage.BodyCase.SUBSCRIBE) {
            String forbidden = identity.topicsRefusal(message.getSubscribe().getTopicsList());
            if (forbidden != null) {
                session.error(message.getRequestId(), ErrorCode.FORBIDDEN, "", forbidden);
                return;
            }
            String tooMany = caps().subscribe(
                            feeds(ctx).subscriptionsWith(message.getSubscribe().getTopicsList()));
            if (tooMany != null) {
                metrics.refused(Refusal.TOPICS);
                session.error(message.getRequestId(), ErrorCode.TOO_MANY_TOPICS, "", tooMany);
                return;
            }
            feeds(ctx)
                    .subscribe(
                            message.getRequestId(),
                            message.getSubscribe().getTopicsList(),
                            message.getSubscribe().getMaxRate());
            return;
        }
        if (message.getBodyCase() == ClientMessage.BodyCase.UNSUBSCRIBE) {
            feeds(ctx)
                    .unsubscribe(
                            message.getRequestId(), message.getUnsubscribe().getTopicsList());
            return;
        }
        String roomId = RoomRequests.roomIdOf(message);
        String problem = RoomRequests.checkRoomId(roomId);
        if (problem != null) {
            session.error(message.getRequestId(), ErrorCode.INVALID_ARGUMENT, "", problem);
            return;
        }
        problem = checkText(message);
        if (problem != null) {
            session.error(message.getRequestId(), ErrorCode.INVALID_ARGUMENT, roomId, problem);
            return;
        }
        problem = identity.refusal(message, roomId);
        if (problem != null) {
            session.error(message.getRequestId(), ErrorCode.FORBIDDEN, roomId, problem);
            return;
        }
        if (message.getBodyCase() == ClientMessage.BodyCase.JOIN) {
            problem = caps().join(session.rooms(), roomId, System.nanoTime());
            if (problem != null) {
                metrics.refused(Refusal.ROOMS);
                session.error(message.getRequestId(), ErrorCode.TOO_MANY_ROOMS, roomId, problem);
                return;
            }
        }
        // Recorded here, where the gateway accepts a request: what a replay sends is what a client did.
        recorder.roomRequest(session.id(), roomId, message);
        router.forward(session, message, roomId);
    }

    /**
     * Text that other participants are shown: a display name or a chat line of bounded length with
     * no control characters (no NUL, ANSI escapes or bidi overrides in someone else's terminal or
     * page). Refused here, before any node: a name is carried in every {@code joined} of its room.
     */
    private String checkText(ClientMessage message) {
        return switch (message.getBodyCase()) {
            case JOIN ->
                TextChecks.problem(
                        "join.display_name", message.getJoin().getDisplayName(), limits.maxDisplayNameChars());
            case CHAT -> TextChecks.problem("chat.text", message.getChat().getText(), limits.maxChatChars());
            default -> null;
        };
    }

    private void resume(ChannelHandlerContext ctx, String requestId, Resume resume) {
        ResumeTokens.Claims claims = auth.resumeTokens().verify(resume.getResumeToken());
        if (claims == null) {
            session.error(
                    requestId,
                    ErrorCode.RESUME_REJECTED,
                    "",
                    "resume_token: not a token this cluster issued, or expired (join the rooms again)");
            return;
        }
        String participantId = claims.participantId();
        if (auth.required() && !participantId.equals(identity.playerId())) {
            // A resume token is no credential by itself: it must come with its player's identity.
            session.error(requestId, ErrorCode.RESUME_REJECTED, "", "resume_token: issued to another player");
            return;
        }
        String forbidden = identity.roomsRefusal(resume.getLastSequencesMap().keySet());
        if (forbidden != null) {
            session.error(requestId, ErrorCode.FORBIDDEN, "", forbidden);
            return;
        }
        if (!session.rooms().isEmpty()) {
            session.error(
                    requestId,
                    ErrorCode.INVALID_ARGUMENT,
                    "",
                    "resume must come before joining rooms on a new connection");
            return;
        }
        for (String roomId : resume.getLastSequencesMap().keySet()) {
            String problem = RoomRequests.checkRoomId(roomId);
            if (problem != null) {
                session.error(requestId, ErrorCode.INVALID_ARGUMENT, roomId, problem);
                return;
            }
        }
        // Each room of a resume is a cluster claim and a catch-up: it costs what a join does.
        long now = System.nanoTime();
        Set<String> roomIds = resume.getLastSequencesMap().keySet();
        String tooMany = caps().resume(session.rooms(), roomIds, now);
        if (tooMany != null) {
            metrics.refused(Refusal.RESUME_ROOMS);
            session.error(requestId, ErrorCode.INVALID_ARGUMENT, "", tooMany);
            return;
        }
        if (roomIds.size() > 1 && !limiter(ctx).tryAcquire(now, roomIds.size() - 1)) {
            session.error(
                    requestId,
                    ErrorCode.RATE_LIMITED,
                    "",
                    "resume of " + roomIds.size() + " rooms: each counts as a message against the rate limit of "
                            + ratePerSecond + "/s (burst " + burst + "); retry in a moment");
            return;
        }
        // Every check that does not spend the token first: a refused request must not use it up.
        resumePending = true;
        auth.resumeGuard()
                .admit(claims.connectionId(), connectionId())
                .whenCompleteAsync(
                        (refusal, failure) -> resumeAdmitted(
                                ctx,
                                requestId,
                                resume,
                                participantId,
                                failure == null ? refusal : "resume_token: could not be checked; join the rooms again"),
                        ctx.executor());
    }

    /** On the event loop: the guard's answer to a resume ({@code refusal} null: it may go on). */
    private void resumeAdmitted(
            ChannelHandlerContext ctx, String requestId, Resume resume, String participantId, String refusal) {
        resumePending = false;
        if (closing || !ctx.channel().isActive()) {
            afterResume = null;
            return;
        }
        if (refusal != null) {
            session.error(requestId, ErrorCode.RESUME_REJECTED, "", refusal);
        } else {
            resumeSeats(requestId, resume, participantId);
        }
        while (!resumePending && afterResume != null && !afterResume.isEmpty() && !closing) {
            onMessage(ctx, afterResume.poll());
        }
    }

    /**
     * A message after a pending resume, handled (and drawn from the rate limit) once it is answered;
     * past a burst of them, dropped as a flood would be, and said once a second at most.
     */
    private void holdUntilResumed(ClientMessage message) {
        if (afterResume == null) {
            afterResume = new ArrayDeque<>();
        }
        if (afterResume.size() < burst) {
            afterResume.add(message);
            return;
        }
        long now = System.nanoTime();
        if (now - lastRateErrorNanos > 1_000_000_000L) {
            lastRateErrorNanos = now;
            session.error(
                    message.getRequestId(),
                    ErrorCode.RATE_LIMITED,
                    "",
                    "more than " + burst
                            + " messages while a resume waits for the cluster; messages are being dropped");
        }
    }

    private void resumeSeats(String requestId, Resume resume, String participantId) {
        Set<String> roomIds = resume.getLastSequencesMap().keySet();
        caps().resuming(session.rooms(), roomIds, System.nanoTime());
        boolean newParticipant = !participantId.equals(session.participantId());
        session.resumeAs(participantId);
        if (newParticipant) {
            // (--auth none) The token this connection was given named its fresh anonymous id: a new
            // one names the participant it now is, bound to this connection.
            startSession("");
        }
        if (resume.getLastSequencesMap().isEmpty()) {
            session.deliver(Delivery.of(ServerMessage.newBuilder()
                    .setRequestId(requestId)
                    .setResumed(Resumed.getDefaultInstance())
                    .build()));
        }
        resume.getLastSequencesMap().forEach((roomId, last) -> router.resume(session, roomId, last, requestId));
    }

    // ------------------------------------------------------------------ identity

    /**
     * At the upgrade: the token of the request (header or query), if any, decides who the client is;
     * without one, its first message must be {@code authenticate} within the HTTP timeout. Under
     * --auth none the client is an anonymous player at once.
     */
    private void identify(ChannelHandlerContext ctx, WebSocketServerProtocolHandler.HandshakeComplete handshake) {
        if (!auth.required()) {
            identity = Identity.anonymous(session.participantId());
            return;
        }
        String token = ClientAuth.tokenOf(handshake.requestHeaders(), handshake.requestUri());
        if (token != null) {
            verified(ctx, "", token);
            return;
        }
        ctx.executor()
                .schedule(
                        () -> {
                            if (identity == null && !closing && ctx.channel().isActive()) {
                                refuse(
                                        ctx,
                                        "",
                                        ErrorCode.UNAUTHENTICATED,
                                        "no authenticate within " + limits.httpTimeoutSeconds() + " s");
                            }
                        },
                        limits.httpTimeoutSeconds(),
                        TimeUnit.SECONDS);
    }

    /** {@code authenticate}: answered by session_started; once per connection. */
    private void authenticate(ChannelHandlerContext ctx, ClientMessage message) {
        if (identity == null) {
            if (verified(ctx, message.getRequestId(), message.getAuthenticate().getToken())) {
                started = true;
                startSession(message.getRequestId());
            }
            return;
        }
        if (started) {
            session.error(
                    message.getRequestId(),
                    ErrorCode.INVALID_ARGUMENT,
                    "",
                    "authenticate: this connection is already " + identity.playerId()
                            + " (a new identity needs a new connection)");
            return;
        }
        // Known from the upgrade request (or --auth none, where the token is not looked at).
        started = true;
        startSession(message.getRequestId());
    }

    /** Whether {@code token} made the client a player; if not, it has been refused and is being closed. */
    private boolean verified(ChannelHandlerContext ctx, String requestId, String token) {
        try {
            identity = auth.verifier().verify(token);
        } catch (AuthFailure failure) {
            refuse(ctx, requestId, failure.code(), failure.getMessage());
            return false;
        }
        // The player id names the client in every room and owns its seats there.
        session.resumeAs(identity.playerId());
        return true;
    }

    private void startSession(String requestId) {
        resumeTokenIssuedNanos = System.nanoTime();
        session.deliver(Delivery.of(ServerMessage.newBuilder()
                .setRequestId(requestId)
                .setSessionStarted(SessionStarted.newBuilder()
                        .setResumeToken(auth.resumeTokens().issue(session.participantId(), connectionId())))
                .build()));
    }

    /** Tells the client why, then closes: a connection without a valid identity is served nothing. */
    private void refuse(ChannelHandlerContext ctx, String requestId, ErrorCode code, String message) {
        session.error(requestId, code, "", message);
        Closing.close(ctx.channel(), WebSocketCloseStatus.POLICY_VIOLATION, code.name());
        closing = true;
    }

    /** The connection's one rate limiter (FrameGuard's too: pings and fragments draw from it). */
    private RateLimiter limiter(ChannelHandlerContext ctx) {
        if (limiter == null) {
            limiter = RateLimiter.of(ctx.channel(), ratePerSecond, burst);
        }
        return limiter;
    }

    private SessionCaps caps() {
        if (caps == null) {
            caps = new SessionCaps(limits.maxRoomsPerConnection(), limits.maxTopicsPerConnection());
        }
        return caps;
    }

    /** Opened with the first resume token issued to this connection: only a token can name it. */
    private String connectionId() {
        if (connectionId == null) {
            connectionId = auth.resumeGuard().open();
        }
        return connectionId;
    }

    /**
     * The connection's feed subscriptions, opened at its first feed request: most connections play
     * and never subscribe, and an idle connection should cost the gateway as little as it can.
     */
    private FeedSession feeds(ChannelHandlerContext ctx) {
        if (feedSession == null) {
            feedSession = feeds.openSession(session, ctx.channel());
        }
        return feedSession;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            if (connectionId != null) {
                auth.resumeGuard().closed(connectionId);
            }
            router.sessionClosed(session);
            if (feedSession != null) {
                feedSession.close();
            }
            recorder.sessionEnded(session.id());
        }
        ctx.fireChannelInactive();
    }

    /** A client that reads slowly gets the newest price per topic once it catches up, not a backlog. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (feedSession != null) {
            feedSession.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // A fragmented message grew past the limit: the stream can no longer be trusted.
            Closing.close(ctx.channel(), WebSocketCloseStatus.MESSAGE_TOO_BIG, cause.getMessage());
            return;
        }
        // Single oversized frames and other protocol violations were answered with a close frame
        // by the WebSocket decoder already; whatever else went wrong, this connection is done.
        ctx.close();
    }
}
