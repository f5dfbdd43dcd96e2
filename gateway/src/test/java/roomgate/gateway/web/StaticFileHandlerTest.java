package roomgate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StaticFileHandlerTest {
    private static final WebAssets PAGES = WebAssets.pages();
    private final EmbeddedChannel channel = new EmbeddedChannel(new StaticFileHandler(PAGES, "/ws"));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private FullHttpResponse ask(HttpMethod method, String uri, Map<String, String> headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        headers.forEach((k, v) -> request.headers().set(k, v));
        channel.writeInbound(request);
        return channel.readOutbound();
    }

    @Test
    void answersAPageFromMemoryWithItsTypeAndValidator() {
        FullHttpResponse lobby = ask(HttpMethod.GET, "/?from=somewhere", Map.of());
        try {
            assertThat(lobby.status().code()).isEqualTo(200);
            assertThat(lobby.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
            assertThat(lobby.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-cache");
            assertThat(lobby.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(lobby.headers().get(HttpHeaderNames.ETAG))
                    .isEqualTo(PAGES.get("/").orElseThrow().etag());
            assertThat(lobby.content().toString(StandardCharsets.UTF_8)).contains("<title>roomgate</title>");
            assertThat(lobby.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                    .isEqualTo(lobby.content().readableBytes());
        } finally {
            lobby.release();
        }
        FullHttpResponse script = ask(HttpMethod.GET, "/js/roomgate.js", Map.of());
        try {
            assertThat(script.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/javascript; charset=utf-8");
            assertThat(ByteBufUtil.getBytes(script.content()))
                    .isEqualTo(PAGES.get("/js/roomgate.js").orElseThrow().body());
        } finally {
            script.release();
        }
    }

    @Test
    void aMatchingIfNoneMatchIsNotModifiedAndHeadHasNoBody() {
        String etag = PAGES.get("/chess.html").orElseThrow().etag();
        FullHttpResponse cached = ask(HttpMethod.GET, "/chess.html", Map.of("If-None-Match", etag));
        assertThat(cached.status().code()).isEqualTo(304);
        assertThat(cached.content().readableBytes()).isZero();
        cached.release();
        FullHttpResponse head = ask(HttpMethod.HEAD, "/chess.html", Map.of());
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.content().readableBytes()).isZero();
        assertThat(head.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                .isEqualTo(PAGES.get("/chess.html").orElseThrow().body().length);
        head.release();
    }

    @Test
    void anotherMethodOnAPageIsRefused() {
        FullHttpResponse post = ask(HttpMethod.POST, "/chess.html", Map.of());
        assertThat(post.status().code()).isEqualTo(405);
        assertThat(post.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
        post.release();
    }

    @Test
    void pathsOutsideTheTableArePassedOnUntouched() {
        for (String path : new String[] {
            "/../pom.xml",
            "/%2e%2e/pom.xml",
            "/js/../../pom.xml",
            "/js/..%2fpom.xml",
            "//etc/passwd",
            "/web/index.html",
            "/META-INF/MANIFEST.MF",
            "/js/",
            "/health",
            "/index.html/.."
        }) {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            channel.writeInbound(request);
            Object answer = channel.readOutbound();
            assertThat(answer).as(path).isNull();
            FullHttpRequest passed = channel.readInbound();
            assertThat(passed).as(path).isSameAs(request);
            passed.release();
        }
    }

    @Test
    void leavesThePipelineForTheWebSocketUpgrade() {
        FullHttpRequest upgrade = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws?room=r1");
        channel.writeInbound(upgrade);
        Object passed = channel.readInbound();
        assertThat(passed).isSameAs(upgrade);
        upgrade.release();
        assertThat(channel.pipeline().get(StaticFileHandler.class)).isNull();
    }

    @Test
    void aResourceTheTableNamesButTheJarLacksFailsTheStart() {
        assertThatThrownBy(() -> WebAssets.load(Map.of("/x.html", "web/no-such-page.html")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("web/no-such-page.html");
    }

    @Test
    void typesFollowTheExtension() {
        assertThat(WebAssets.contentType("a/b.css")).isEqualTo("text/css; charset=utf-8");
        assertThat(WebAssets.contentType("LICENSE")).isEqualTo("text/plain; charset=utf-8");
        assertThat(WebAssets.contentType("x.HTML")).isEqualTo("text/html; charset=utf-8");
    }

    @Test
    void theConsoleAndThePagesAreDifferentTables() {
        WebAssets console = WebAssets.console();
        assertThat(console.serves("/console/")).isTrue();
        assertThat(console.serves("/")).isFalse();
        assertThat(PAGES.serves("/console/")).isFalse();
        assertThat(console.get("/console/vendor/uPlot.iife.min.js")
                        .orElseThrow()
                        .body())
                .isEqualTo(PAGES.get("/vendor/uplot/uPlot.iife.min.js")
                        .orElseThrow()
                        .body());
    }
}
