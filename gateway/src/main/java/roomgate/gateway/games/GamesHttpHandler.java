package roomgate.gateway.games;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import roomgate.archive.ArchiveReader;
import roomgate.archive.ArchiveUnavailableException;
import roomgate.archive.ArchivedGame;
import roomgate.wire.client.RoomRequests;

/**
 * The archive on the client port, before the WebSocket upgrade: {@code GET /games/ROOM} (the room's
 * latest archived game as JSON, or {@code ?format=pgn} as PGN) and {@code GET /games?participant=ID&limit=N}
 * (that participant's games, newest first). Anything else is passed on. Bad input gets a 4xx with a
 * JSON {@code error} saying what was expected.
 *
 * <p>JDBC blocks, so a request is checked on the event loop and read on {@code readers} (a small
 * bounded pool; full, it answers 503), and the answer is written back through the channel, which
 * hands it to the loop; the connection reads nothing more meanwhile. One instance serves every
 * connection ({@link ChannelHandler.Sharable}): the gateway's main makes it once it has opened the
 * archive and hands it to the pipeline; without an archive, {@link #off()} answers 503 "archive off".
 */
@ChannelHandler.Sharable
public final class GamesHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    public static final String PATH = "/games";
    public static final int DEFAULT_LIMIT = 20;
    private static final int MAX_PARTICIPANT_CHARS = 128;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEBSOCKET_PATH = "/ws";

    private final ArchiveReader reader;
    private final Executor readers;
    private final LongSupplier backlog;

    /**
     * @param reader the archive, or null when it is off; {@code readers} runs its blocking reads
     * @param backlog the finished rooms waiting in the cluster, as last sampled (a cheap read), for /health
     */
    public GamesHttpHandler(ArchiveReader reader, Executor readers, LongSupplier backlog) {
        super(false);
        this.reader = reader;
        this.readers = readers;
        this.backlog = backlog;
    }

    /** Whether this gateway reads an archive. */
    public boolean archiveOn() {
        return reader != null;
    }

    /** Finished rooms waiting for the archive in the cluster, as last sampled; -1 if unknown. */
    public long archiveBacklog() {
        return backlog.getAsLong();
    }

    /** The handler of a gateway that reads no archive: every {@code /games} request answers 503. */
    public static GamesHttpHandler off() {
        return new GamesHttpHandler(null, null, () -> -1);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!path.equals(PATH) && !path.startsWith(PATH + "/")) {
            if (path.startsWith(WEBSOCKET_PATH)) {
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(request);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod method = request.method();
        request.release();
        if (!method.equals(HttpMethod.GET)) {
            error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, method + " " + path + " (expected: GET)", keepAlive);
            return;
        }
        if (reader == null) {
            error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "the archive is off on this gateway", keepAlive);
            return;
        }
        Lookup lookup;
        try {
            lookup = path.equals(PATH) ? byParticipant(uri) : byRoom(path.substring(PATH.length() + 1), uri);
        } catch (IllegalArgumentException bad) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, bad.getMessage(), keepAlive);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        try {
            readers.execute(() -> {
                Answer answer;
                try {
                    answer = lookup.run();
                } catch (ArchiveUnavailableException e) {
                    answer = Answer.error(
                            HttpResponseStatus.SERVICE_UNAVAILABLE, "the archive database is unavailable; retry");
                } catch (RuntimeException e) {
                    answer = Answer.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "reading the archive failed: " + e);
                }
                respond(ctx, answer, keepAlive);
                ctx.channel().config().setAutoRead(true);
            });
        } catch (RejectedExecutionException busy) {
            ctx.channel().config().setAutoRead(true);
            error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "the archive is busy; retry", keepAlive);
        }
    }

    /** A checked request, to run on the readers. */
    @FunctionalInterface
    private interface Lookup {
        Answer run() throws ArchiveUnavailableException;
    }

    private record Answer(HttpResponseStatus status, String contentType, String body) {
        static Answer json(Object node) {
            try {
                return new Answer(HttpResponseStatus.OK, "application/json", JSON.writeValueAsString(node));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Answer error(HttpResponseStatus status, String message) {
            ObjectNode error = JSON.createObjectNode();
            error.put("error", message);
            error.put("status", status.code());
            return new Answer(status, "application/json", error.toString());
        }
    }

    private Lookup byRoom(String roomId, QueryStringDecoder uri) {
        String problem = RoomRequests.checkRoomId(roomId);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        String format = single(uri, "format", "json");
        if (!format.equals("json") && !format.equals("pgn")) {
            throw new IllegalArgumentException("format: '" + format + "' (expected: json or pgn)");
        }
        unknownParameters(uri, List.of("format"));
        return () -> {
            Optional<ArchivedGame> game = reader.game(roomId);
            if (game.isEmpty()) {
                return Answer.error(HttpResponseStatus.NOT_FOUND, "no archived game in room '" + roomId + "'");
            }
            if (format.equals("json")) {
                return new Answer(HttpResponseStatus.OK, "application/json", ArchiveReader.toJson(game.get()));
            }
            if (game.get().pgn() == null) {
                return Answer.error(
                        HttpResponseStatus.NOT_FOUND,
                        "room '" + roomId + "' was a " + game.get().gameType() + " room: no PGN (ask for format=json)");
            }
            return new Answer(
                    HttpResponseStatus.OK,
                    "application/x-chess-pgn; charset=utf-8",
                    game.get().pgn());
        };
    }

    private Lookup byParticipant(QueryStringDecoder uri) {
        String participant = single(uri, "participant", null);
        if (participant == null || participant.isEmpty()) {
            throw new IllegalArgumentException(
                    "participant: missing (expected: GET /games?participant=ID&limit=N," + " or GET /games/ROOM_ID)");
        }
        if (participant.length() > MAX_PARTICIPANT_CHARS || !participant.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "participant: expected 1.." + MAX_PARTICIPANT_CHARS + " printable ASCII characters, no spaces");
        }
        String limitText = single(uri, "limit", Integer.toString(DEFAULT_LIMIT));
        int limit;
        try {
            limit = Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > ArchiveReader.MAX_LIMIT) {
            throw new IllegalArgumentException(
                    "limit: '" + limitText + "' (expected: 1.." + ArchiveReader.MAX_LIMIT + ")");
        }
        unknownParameters(uri, List.of("participant", "limit"));
        int n = limit;
        return () -> {
            ArrayNode games = reader.gamesOf(participant, n);
            if (games.isEmpty()) {
                return Answer.error(
                        HttpResponseStatus.NOT_FOUND, "no archived games of participant '" + participant + "'");
            }
            ObjectNode answer = JSON.createObjectNode();
            answer.put("participant", participant);
            answer.set("games", games);
            return Answer.json(answer);
        };
    }

    private static String single(QueryStringDecoder uri, String name, String otherwise) {
        List<String> values = uri.parameters().get(name);
        if (values == null || values.isEmpty()) {
            return otherwise;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + ": given " + values.size() + " times (expected: once)");
        }
        return values.get(0);
    }

    private static void unknownParameters(QueryStringDecoder uri, List<String> known) {
        for (String name : uri.parameters().keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown parameter '" + name + "' (expected: " + String.join(", ", known) + ")");
            }
        }
    }

    private static void error(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean keepAlive) {
        respond(ctx, Answer.error(status, message), keepAlive);
    }

    /** Any thread: Netty hands the write to the channel's loop. */
    private static void respond(ChannelHandlerContext ctx, Answer answer, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                answer.status(),
                Unpooled.copiedBuffer(
                        answer.body() + (answer.body().endsWith("\n") ? "" : "\n"), StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
