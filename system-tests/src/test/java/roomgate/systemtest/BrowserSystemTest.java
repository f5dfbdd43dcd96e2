package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import roomgate.chess.ChessGame;

/**
 * The browser pages and the operator console in headless Chromium against a real cluster (three
 * nodes and a gateway, each its own JVM). Two browsers play chess to checkmate by clicking squares
 * while a third watches; on the way the server refuses an illegal move, a chat message that is HTML
 * stays text, the console drains the node that holds the room, and one player's page loses its
 * connection while the other moves. Then two browsers steer their arena discs with the keyboard.
 * Boards, results and positions are read from the pages' DOM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The Scholar's mate, in SAN; the project's chess rules turn it into the clicks and the expected boards. */
    private static final List<String> GAME = List.of("e4", "e5", "Bc4", "Nc6", "Qh5", "Nf6", "Qxf7#");

    private static final String HOSTILE_CHAT = "<img src=x onerror=alert(1)>";
    /** The placement of the board as the page shows it, read from its squares' data-piece, as in a FEN. */
    private static final String READ_BOARD = """
            const rows = [];
            for (let r = 8; r >= 1; r--) {
              let row = '', empty = 0;
              for (const f of 'abcdefgh') {
                const p = document.querySelector(`[data-square="${f}${r}"]`).dataset.piece;
                if (!p) { empty++; continue; }
                if (empty) { row += empty; empty = 0; }
                row += p[0] === 'w' ? p[1] : p[1].toLowerCase();
              }
              if (empty) row += empty;
              rows.push(row);
            }
            return rows.join('/');""";

    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private LocalCluster cluster;
    private Browsers browsers;
    private ChromeDriver white;
    private ChromeDriver black;
    private ChromeDriver spectator;
    private String base;

    @BeforeAll
    void start() throws Exception {
        assertThat(Browsers.installed())
                .as(
                        "%s and %s (apt-get install chromium chromium-driver; .ci/run does)",
                        Browsers.CHROMIUM, Browsers.CHROMEDRIVER)
                .isTrue();
        cluster = LocalCluster.start("browser", 3, 1);
        base = "http://127.0.0.1:" + cluster.gateway(0).readyFields().get("port");
        browsers = new Browsers();
        white = browsers.open();
        black = browsers.open();
        spectator = browsers.open();
    }

    @AfterAll
    void stop() {
        if (browsers != null) {
            browsers.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void theGatewayServesThePagesFromItsJarAndNothingElse() throws IOException {
        int port = Integer.parseInt(cluster.gateway(0).readyFields().get("port"));
        Answer lobby = get(port, "GET", "/", Map.of());
        assertThat(lobby.status).isEqualTo(200);
        assertThat(lobby.headers.get("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(lobby.headers.get("cache-control")).isEqualTo("no-cache");
        assertThat(lobby.headers.get("x-content-type-options")).isEqualTo("nosniff");
        assertThat(lobby.headers.get("content-security-policy")).contains("default-src 'self'");
        assertThat(lobby.body).contains("<title>roomgate</title>");
        Answer client = get(port, "GET", "/js/roomgate.js", Map.of());
        assertThat(client.status).isEqualTo(200);
        assertThat(client.headers.get("content-type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(client.body).contains("export class RoomgateClient");
        assertThat(get(port, "GET", "/vendor/uplot/uPlot.iife.min.js", Map.of())
                        .headers
                        .get("content-type"))
                .isEqualTo("text/javascript; charset=utf-8");
        assertThat(get(port, "GET", "/css/roomgate.css", Map.of()).headers.get("content-type"))
                .isEqualTo("text/css; charset=utf-8");
        String etag = lobby.headers.get("etag");
        assertThat(etag).startsWith("\"");
        assertThat(get(port, "GET", "/", Map.of("If-None-Match", etag)).status).isEqualTo(304);
        assertThat(get(port, "GET", "/", Map.of("If-None-Match", "\"other\"")).status)
                .isEqualTo(200);
        assertThat(get(port, "POST", "/chess.html", Map.of()).status).isEqualTo(405);
        for (String path : List.of(
                "/nope.html",
                "/../pom.xml",
                "/%2e%2e/%2e%2e/pom.xml",
                "/js/../../pom.xml",
                "/js/..%2f..%2fpom.xml",
                "/web/index.html",
                "/META-INF/MANIFEST.MF",
                "/roomgate/gateway/GatewayMain.class",
                "/js/",
                "//etc/passwd",
                "/index.html/..")) {
            assertThat(get(port, "GET", path, Map.of()).status).as(path).isEqualTo(404);
        }
        int admin = cluster.admin(0).getPort();
        Answer console = get(admin, "GET", "/console/", Map.of());
        assertThat(console.status).isEqualTo(200);
        assertThat(console.headers.get("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(console.body).contains("roomgate console");
        assertThat(get(admin, "GET", "/console", Map.of()).headers.get("location"))
                .isEqualTo("/console/");
        for (String path : List.of("/console/../nodes", "/console/%2e%2e/nodes", "/console/x", "/consolex")) {
            assertThat(get(admin, "GET", path, Map.of()).status).as(path).isEqualTo(404);
        }
    }

    @Test
    @Order(2)
    void twoBrowsersPlayToMateWhileOneWatchesThroughARefusalADrainAndADroppedConnection() throws Exception {
        String room = "web-chess-" + run;
        open(white, "/chess.html?room=" + room + "&role=PLAYER&side=WHITE&name=Alice");
        open(black, "/chess.html?room=" + room + "&role=PLAYER&side=BLACK&name=Bob");
        open(spectator, "/chess.html?room=" + room + "&role=SPECTATOR&name=Eve");
        List<ChromeDriver> pages = List.of(white, black, spectator);
        ChessGame game = new ChessGame();
        awaitBoards(pages, game);

        // An illegal move made in the page: the server's refusal, as it said it; the board is unchanged.
        click(white, "e2");
        click(white, "e5");
        await().atMost(TIMEOUT).until(() -> white.findElement(By.id("refusal")).isDisplayed());
        String refusal = white.findElement(By.id("refusal")).getText();
        assertThat(refusal).startsWith("ILLEGAL_MOVE: ").contains("e2e5");
        assertThat(boardOf(white)).isEqualTo(placement(game));

        // A chat message that is HTML stays text on every page, and runs nothing.
        white.findElement(By.id("chat-text")).sendKeys(HOSTILE_CHAT);
        white.findElement(By.id("chat-send")).click();
        for (ChromeDriver page : pages) {
            await().atMost(TIMEOUT)
                    .until(() -> page.findElements(By.cssSelector("#chat-log li .text")).stream()
                            .anyMatch(e -> e.getText().equals(HOSTILE_CHAT)));
            assertThat(page.findElements(By.cssSelector("#chat-log img"))).isEmpty();
            assertThat(page.findElement(By.cssSelector("#chat-log li .who")).getText())
                    .isEqualTo("Alice");
            assertNoAlert(page);
        }

        play(pages, game, 0);
        play(pages, game, 1);

        // The console drains the node that holds the room; every page says where the room went.
        String owner = white.findElement(By.id("owner")).getText();
        assertThat(owner).startsWith("node-");
        ChromeDriver console = browsers.open();
        console.get(cluster.admin(0).resolve("/console/").toString());
        // As an operator does: the admin API answers 401 until the console is given the token.
        console.findElement(By.id("token")).sendKeys(cluster.adminToken());
        console.findElement(By.cssSelector("#token-form button[type=submit]")).click();
        await().atMost(TIMEOUT)
                .until(() -> !console.findElements(By.cssSelector("button.drain[data-node='" + owner + "']"))
                        .isEmpty());
        Browsers.screenshot(console, "console-before-drain");
        console.findElement(By.cssSelector("button.drain[data-node='" + owner + "']"))
                .click();
        await().atMost(TIMEOUT)
                .until(() -> console.findElement(By.id("drain-dialog")).isDisplayed());
        assertThat(console.findElement(By.id("drain-text")).getText()).startsWith("Drain " + owner + "?");
        console.findElement(By.id("drain-confirm")).click();
        await().atMost(TIMEOUT)
                .until(() -> console.findElement(By.id("drain-result")).isDisplayed());
        for (ChromeDriver page : pages) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> page.findElement(By.id("moved")).isDisplayed());
            String notice = page.findElement(By.id("moved")).getText();
            assertThat(notice).startsWith("room moved to node-").doesNotEndWith(owner);
        }
        await().atMost(TIMEOUT)
                .until(() -> !console.findElements(
                                By.cssSelector("tr[data-node='" + owner + "'][data-state='DRAINING']"))
                        .isEmpty());
        Browsers.screenshot(console, "console-after-drain");
        // The console finds the room at its new node, and dry-runs removing that node.
        String now = white.findElement(By.id("moved")).getAttribute("data-node");
        console.findElement(By.id("room-id")).sendKeys(room);
        console.findElement(By.id("room-find")).click();
        await().atMost(TIMEOUT)
                .until(() ->
                        now.equals(console.findElement(By.id("room-result")).getAttribute("data-owner")));
        console.findElement(By.id("dry-run-node")).sendKeys(now);
        console.findElement(By.id("dry-run")).click();
        await().atMost(TIMEOUT)
                .until(() ->
                        console.findElement(By.id("dry-run-summary")).getText().startsWith("remove " + now + ": "));
        assertThat(console.findElement(By.id("dry-run-summary")).getText()).contains("live rooms move now");
        assertThat(console.findElements(By.cssSelector("#dry-run-shares tr"))).hasSizeGreaterThanOrEqualTo(2);

        // The browsers play on at the room's new node.
        play(pages, game, 2);
        play(pages, game, 3);

        // Black's page loses its connection (the network is down, so it cannot come back at once);
        // white moves meanwhile; once the network is back black's page resumes and shows the move.
        black.executeCdpCommand("Network.enable", Map.of());
        black.executeCdpCommand("Network.emulateNetworkConditions", offline(true));
        black.executeScript("window.__roomgate.client.socket.close()");
        await().atMost(TIMEOUT)
                .until(() -> black.findElement(By.id("connection")).getText().startsWith("reconnecting (attempt 2"));
        String whileAway = boardOf(black);
        play(List.of(white, spectator), game, 4);
        assertThat(black.findElement(By.id("connection")).getText()).startsWith("reconnecting");
        assertThat(boardOf(black)).isEqualTo(whileAway);
        black.executeCdpCommand("Network.emulateNetworkConditions", offline(false));
        await().atMost(TIMEOUT)
                .until(() -> black.findElement(By.id("connection")).getText().equals("connected"));
        awaitBoards(List.of(black), game);

        play(pages, game, 5);
        play(pages, game, 6);
        for (ChromeDriver page : pages) {
            await().atMost(TIMEOUT)
                    .until(() -> page.findElement(By.id("result")).getText().equals("1-0"));
            assertThat(page.findElement(By.id("status")).getAttribute("data-status"))
                    .isEqualTo("CHECKMATE");
            assertThat(page.findElement(By.id("moves")).getAttribute("data-san"))
                    .isEqualTo(String.join(" ", game.sanMoves()));
        }
        // The console's live figures come from the gateway's meters: the moves were timed.
        await().atMost(TIMEOUT).until(() -> figure(console, "move latency (ms)", 1) > 0);
        // Three sessions (black's resumed one among them), as of a scrape at most a few seconds old.
        await().atMost(TIMEOUT).until(() -> figure(console, "connections", 1) >= 3);
        Browsers.screenshot(console, "console-figures");
        Browsers.screenshot(white, "chess-white");
        Browsers.screenshot(black, "chess-black");
        Browsers.screenshot(spectator, "chess-spectator");
        for (ChromeDriver page : List.of(white, black, spectator, console)) {
            assertThat(Browsers.pageErrors(page)).isEmpty();
        }
    }

    @Test
    @Order(3)
    void twoBrowsersSteerTheirArenaDiscsWithTheKeyboard() throws Exception {
        String room = "web-arena-" + run;
        open(white, "/arena.html?room=" + room + "&role=PLAYER&name=Ann");
        open(black, "/arena.html?room=" + room + "&role=PLAYER&name=Ben");
        for (ChromeDriver page : List.of(white, black)) {
            await().atMost(TIMEOUT).until(() -> position(page) != null);
        }
        // Each pushes away from the nearer edge: one along x with the arrows, the other along y with WASD.
        double[] a = position(white);
        CharSequence horizontal = a[0] < 50 ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT;
        double[] b = position(black);
        CharSequence vertical = b[1] < 50 ? "s" : "w";
        new Actions(white).keyDown(horizontal).perform();
        new Actions(black).keyDown(vertical).perform();
        await().atMost(TIMEOUT).until(() -> Math.abs(position(white)[0] - a[0]) > 5);
        await().atMost(TIMEOUT).until(() -> Math.abs(position(black)[1] - b[1]) > 5);
        assertThat(Math.signum(position(white)[0] - a[0])).isEqualTo(a[0] < 50 ? 1.0 : -1.0);
        assertThat(Math.signum(position(black)[1] - b[1])).isEqualTo(b[1] < 50 ? 1.0 : -1.0);
        Browsers.screenshot(white, "arena-1");
        Browsers.screenshot(black, "arena-2");
        new Actions(white).keyUp(horizontal).perform();
        new Actions(black).keyUp(vertical).perform();
        // Released, the discs stop: the page sent the keys' release as an input.
        await().atMost(TIMEOUT).until(() -> velocityX(white) == 0 && velocityY(black) == 0);
        assertThat(Browsers.pageErrors(white)).isEmpty();
        assertThat(Browsers.pageErrors(black)).isEmpty();
    }

    @Test
    @Order(4)
    void theFeedsPageShowsLivePricesAndCharts() throws Exception {
        List<String> topics = List.of("stock.WEB" + run, "stock.WEB" + run + "b");
        cluster.startPublisher(
                "feed-web", List.of("--topics", String.join(",", topics), "--rate", "20", "--count", "1200"));
        open(spectator, "/feeds.html?topics=" + String.join("+", topics));
        for (String topic : topics) {
            By card = By.cssSelector("[data-topic='" + topic + "']");
            await().atMost(TIMEOUT).until(() -> sequenceOf(spectator, card) > 0);
            long first = sequenceOf(spectator, card);
            // Live: the sequence goes on, and the value is a price.
            await().atMost(TIMEOUT).until(() -> sequenceOf(spectator, card) > first + 5);
            assertThat(Double.parseDouble(spectator.findElement(card).getAttribute("data-value")))
                    .isPositive();
            // uPlot (from the jar) drew the card's chart.
            assertThat(spectator.findElement(card).findElements(By.tagName("canvas")))
                    .isNotEmpty();
        }
        Browsers.screenshot(spectator, "feeds");
        assertThat(Browsers.pageErrors(spectator)).isEmpty();
    }

    @Test
    @Order(5)
    void whatTheServerRefusesShowsItsMessage() {
        // A room id typed into the lobby that the protocol refuses.
        open(white, "/");
        white.findElement(By.id("room")).sendKeys("no spaces <b>here</b>");
        white.findElement(By.id("go")).click();
        await().atMost(TIMEOUT).until(() -> white.findElement(By.id("error")).isDisplayed());
        assertThat(white.findElement(By.id("error")).getText()).startsWith("INVALID_ARGUMENT: ");
        // The id is shown as typed, as text.
        assertThat(white.findElement(By.id("room-id")).getText()).isEqualTo("no spaces <b>here</b>");
        assertThat(white.findElements(By.cssSelector("h1 b, #error b"))).isEmpty();
        // A feed topic the protocol refuses.
        open(black, "/feeds.html?topics=stock:AAPL");
        await().atMost(TIMEOUT).until(() -> black.findElement(By.id("error")).isDisplayed());
        assertThat(black.findElement(By.id("error")).getText()).startsWith("INVALID_TOPIC: ");
    }

    // ------------------------------------------------------------------ helpers

    private void open(ChromeDriver driver, String path) {
        driver.get(base + path);
    }

    private static long sequenceOf(ChromeDriver page, By card) {
        List<WebElement> found = page.findElements(card);
        String sequence = found.isEmpty() ? null : found.get(0).getAttribute("data-sequence");
        return sequence == null ? 0 : Long.parseLong(sequence);
    }

    private static void click(ChromeDriver page, String square) {
        page.findElement(By.cssSelector("[data-square='" + square + "']")).click();
    }

    /** Plays move {@code ply} of the game by clicking in the page of the side to move; every page shows it. */
    private void play(List<ChromeDriver> pages, ChessGame game, int ply) {
        String uci = game.toUci(GAME.get(ply));
        ChromeDriver mover = ply % 2 == 0 ? white : black;
        click(mover, uci.substring(0, 2));
        click(mover, uci.substring(2, 4));
        game.play(uci);
        awaitBoards(pages, game);
    }

    private static void awaitBoards(List<ChromeDriver> pages, ChessGame game) {
        for (ChromeDriver page : pages) {
            await().atMost(TIMEOUT).until(() -> placement(game).equals(boardOf(page)));
        }
    }

    private static String placement(ChessGame game) {
        return game.fen().split(" ")[0];
    }

    private static String boardOf(ChromeDriver page) {
        Object board = page.executeScript("if (!document.querySelector('[data-square]')) return '';" + READ_BOARD);
        return String.valueOf(board);
    }

    /** The page's own disc, from the data attributes it keeps of the newest tick; null before it has one. */
    private static double[] position(ChromeDriver page) {
        Object xy = page.executeScript("""
                const me = document.body.dataset.me;
                const li = me && document.querySelector(`#players li[data-participant="${me}"]`);
                return li ? [li.dataset.x, li.dataset.y] : null;""");
        if (!(xy instanceof List<?> list)) {
            return null;
        }
        return new double[] {
            Double.parseDouble(list.get(0).toString()),
            Double.parseDouble(list.get(1).toString())
        };
    }

    private static double velocityX(ChromeDriver page) {
        return ownDisc(page, "vx");
    }

    private static double velocityY(ChromeDriver page) {
        return ownDisc(page, "vy");
    }

    private static double ownDisc(ChromeDriver page, String field) {
        Object v = page.executeScript(
                "const li = document.querySelector(`#players li[data-participant=\"${document.body.dataset.me}\"]`);"
                        + " return li ? li.dataset[arguments[0]] : null;",
                field);
        return v == null ? Double.NaN : Double.parseDouble(v.toString());
    }

    /** Value {@code index} of the console figure's latest point; NaN if it has none. */
    private static double figure(ChromeDriver console, String title, int index) {
        Object v = console.executeScript(
                "const f = document.querySelector(`[data-figure=\"${arguments[0]}\"]`);"
                        + " return f && f.dataset.latest ? JSON.parse(f.dataset.latest)[arguments[1]] : null;",
                title,
                index);
        return v == null ? Double.NaN : Double.parseDouble(v.toString());
    }

    private static void assertNoAlert(ChromeDriver page) {
        try {
            page.switchTo().alert();
            throw new AssertionError("an alert opened: the chat text ran as HTML");
        } catch (NoAlertPresentException expected) {
            // Nothing ran.
        }
    }

    private static Map<String, Object> offline(boolean offline) {
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put("offline", offline);
        conditions.put("latency", 0);
        conditions.put("downloadThroughput", -1);
        conditions.put("uploadThroughput", -1);
        return conditions;
    }

    private record Answer(int status, Map<String, String> headers, String body) {}

    /** One HTTP/1.1 request over a plain socket, so the path goes out exactly as written (no normalising). */
    private static Answer get(int port, String method, String path, Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String[] head = text.substring(0, split).split("\r\n");
            Map<String, String> answer = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                answer.put(
                        head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        head[i].substring(colon + 1).trim());
            }
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), answer, text.substring(split + 4));
        }
    }
}
