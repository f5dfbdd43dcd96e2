package roomgate.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token: read from a file, compared whole, and 401 in front of a handler for anything else. */
class AdminTokenTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @Test
    void acceptsOnlyTheWholeTokenAfterBearer() {
        AdminToken token = AdminToken.of(TOKEN);
        assertThat(token.accepts("Bearer " + TOKEN)).isTrue();
        assertThat(token.accepts("bearer " + TOKEN))
                .as("the scheme is case-insensitive")
                .isTrue();
        assertThat(token.accepts(null)).isFalse();
        assertThat(token.accepts("")).isFalse();
        assertThat(token.accepts(TOKEN)).as("no scheme").isFalse();
        assertThat(token.accepts("Basic " + TOKEN)).isFalse();
        assertThat(token.accepts("Bearer " + TOKEN.substring(1))).as("a suffix").isFalse();
        assertThat(token.accepts("Bearer " + TOKEN + "0")).as("longer").isFalse();
        assertThat(token.accepts("Bearer ")).isFalse();
    }

    @Test
    void readsTheFileWithoutItsNewlineAndRefusesAShortOrMissingToken(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("admin-token");
        Files.writeString(file, TOKEN + "\n");
        assertThat(AdminToken.read(file).accepts("Bearer " + TOKEN)).isTrue();

        Files.writeString(file, "short\n");
        assertThatThrownBy(() -> AdminToken.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--admin-token-file")
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> AdminToken.read(dir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read it");
    }

    @Test
    void theGuardAnswers401WithoutCallingTheHandler() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/", AdminToken.of(TOKEN).guard(exchange -> {
            calls.incrementAndGet();
            HttpReplies.send(exchange, 200, HttpReplies.TEXT, "ok".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        }));
        server.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/nodes");
            HttpResponse<String> none =
                    http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrong = http.send(
                    HttpRequest.newBuilder(uri)
                            .header("Authorization", "Bearer " + TOKEN.replace('0', '1'))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(calls).hasValue(0);
            for (HttpResponse<String> refused : java.util.List.of(none, wrong)) {
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(refused.body()).contains("\"code\":\"UNAUTHENTICATED\"");
                assertThat(refused.headers().firstValue("WWW-Authenticate"))
                        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            }
            HttpResponse<String> right = http.send(
                    HttpRequest.newBuilder(uri)
                            .header("Authorization", "Bearer " + TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(right.body()).isEqualTo("ok");
            assertThat(calls).hasValue(1);
        } finally {
            server.stop(0);
        }
    }
}
