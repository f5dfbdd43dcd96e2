package roomgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.web.WebAssets;

class ConsoleHandlerTest {
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext(ConsoleHandler.PATH, new ConsoleHandler(WebAssets.console()));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** The head and body of one request, sent over a plain socket so the path goes out as written. */
    private String ask(String method, String path, String extraHeader) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.getAddress().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + extraHeader + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheConsoleWithItsTypeAndRevalidation() throws IOException {
        String page = ask("GET", "/console/", "");
        assertThat(page).startsWith("HTTP/1.1 200").contains("roomgate console");
        assertThat(page.toLowerCase()).contains("content-type: text/html; charset=utf-8", "cache-control: no-cache");
        String etag = WebAssets.console().get("/console/").orElseThrow().etag();
        assertThat(ask("GET", "/console/", "If-None-Match: " + etag + "\r\n")).startsWith("HTTP/1.1 304");
        assertThat(ask("GET", "/console/console.js", "").toLowerCase())
                .contains("content-type: text/javascript; charset=utf-8");
    }

    @Test
    void redirectsTheBarePathAndRefusesEverythingElse() throws IOException {
        assertThat(ask("GET", "/console", "")).startsWith("HTTP/1.1 308").contains("Location: /console/");
        for (String path :
                new String[] {"/console/../nodes", "/console/%2e%2e/nodes", "/console/nope.js", "/consolex"}) {
            assertThat(ask("GET", path, "")).as(path).startsWith("HTTP/1.1 404");
        }
        assertThat(ask("POST", "/console/", "Content-Length: 0\r\n")).startsWith("HTTP/1.1 405");
    }
}
