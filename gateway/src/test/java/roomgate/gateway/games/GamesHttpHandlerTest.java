package roomgate.gateway.games;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roomgate.archive.ArchiveDatabase;
import roomgate.archive.ArchiveReader;
import roomgate.archive.ArchiveSettings;
import roomgate.archive.ArchiveWriter;
import roomgate.archive.ArchivedGame;

/**
 * {@code GET /games} on {@code EmbeddedChannel} over a real H2 archive: the read runs on the
 * readers, never on the channel's loop; bad input is a 4xx JSON error; other paths pass on.
 */
class GamesHttpHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    ArchiveDatabase db;
    ExecutorService readers;
    final AtomicReference<Thread> readOn = new AtomicReference<>();

    @BeforeEach
    void open() throws Exception {
        db = ArchiveDatabase.open(
                new ArchiveSettings(ArchiveSettings.h2File(dir.resolve("a")), "", ""), "t", 2, Duration.ofSeconds(2));
        ArchivedGame game = new ArchivedGame(
                "r1",
                1_000,
                2_000,
                "CHESS",
                "1-0",
                "CHECKMATE",
                List.of(
                        new ArchivedGame.Participant("alice", "A", "WHITE"),
                        new ArchivedGame.Participant("bob", "B", "BLACK")),
                List.of(new ArchivedGame.Move(1, "WHITE", "alice", "e4", "e2e4", 1_500)),
                List.of(),
                List.of(),
                "[Event \"x\"]\n\n1. e4 1-0\n");
        new ArchiveWriter(db, "n").write(List.of(game));
        readers = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(
                    () -> {
                        readOn.set(Thread.currentThread());
                        r.run();
                    },
                    "games-reader-test");
            return t;
        });
    }

    @AfterEach
    void close() {
        readers.shutdownNow();
        db.close();
    }

    @Test
    void answersTheGameAsJsonOrPgnAndThePlayersGames() throws Exception {
        FullHttpResponse json = get("/games/r1");
        assertThat(json.status().code()).isEqualTo(200);
        JsonNode game = JSON.readTree(body(json));
        assertThat(game.get("moves").get(0).get("uci").asText()).isEqualTo("e2e4");
        assertThat(readOn.get()).isNotNull().isNotSameAs(Thread.currentThread());

        FullHttpResponse pgn = get("/games/r1?format=pgn");
        assertThat(pgn.status().code()).isEqualTo(200);
        assertThat(pgn.headers().get("content-type")).startsWith("application/x-chess-pgn");
        assertThat(body(pgn)).startsWith("[Event \"x\"]");

        JsonNode games = JSON.readTree(body(get("/games?participant=bob&limit=3")));
        assertThat(games.get("games").get(0).get("roomId").asText()).isEqualTo("r1");
        assertThat(games.get("games").get(0).get("seat").asText()).isEqualTo("BLACK");
    }

    @Test
    void badInputIsAClear4xxJsonError() throws Exception {
        Map<String, Integer> cases = Map.of(
                "/games/bad%20id", 400,
                "/games/r1?format=xml", 400,
                "/games?participant=bob&limit=0", 400,
                "/games?participant=bob&limit=1000", 400,
                "/games?participant=bob&limit=x", 400,
                "/games", 400,
                "/games?participant=bob&sort=asc", 400,
                "/games?participant=carol", 404,
                "/games/r2", 404);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            FullHttpResponse response = get(c.getKey());
            assertThat(response.status().code()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(JSON.readTree(body(response)).get("error").asText())
                    .as(c.getKey())
                    .isNotBlank();
        }
        EmbeddedChannel channel = new EmbeddedChannel(new GamesHttpHandler(new ArchiveReader(db), readers, () -> 0));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/games/r1"));
        FullHttpResponse post = channel.readOutbound();
        assertThat(post.status().code()).isEqualTo(405);
    }

    @Test
    void otherPathsPassOnAndAWebSocketUpgradeRemovesIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new GamesHttpHandler(new ArchiveReader(db), readers, () -> 0));
        FullHttpRequest health = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health");
        channel.writeInbound(health);
        assertThat(channel.<Object>readInbound()).isSameAs(health);
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws"));
        assertThat(channel.pipeline().get(GamesHttpHandler.class)).isNull();
    }

    @Test
    void withoutAnArchiveItSaysSo() {
        EmbeddedChannel channel = new EmbeddedChannel(new GamesHttpHandler(null, null, () -> -1));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/games/r1"));
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(503);
    }

    /** A GET through the handler; the answer comes back from the readers, through the channel. */
    private FullHttpResponse get(String uri) {
        EmbeddedChannel channel = new EmbeddedChannel(new GamesHttpHandler(new ArchiveReader(db), readers, () -> 0));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
        AtomicReference<FullHttpResponse> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            channel.runPendingTasks();
            FullHttpResponse r = channel.readOutbound();
            if (r != null) {
                answer.set(r);
            }
            return answer.get() != null;
        });
        return answer.get();
    }

    private static String body(FullHttpResponse response) {
        return response.content().toString(StandardCharsets.UTF_8);
    }
}
