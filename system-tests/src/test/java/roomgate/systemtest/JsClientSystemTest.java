package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import roomgate.chess.ChessGame;
import roomgate.chess.GameStatus;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;

/**
 * The JavaScript client ({@code clients/js}) under Node's test runner against real gateway and node
 * JVMs: real PGN games played to their end, a dropped connection resumed, the client-caused error
 * codes, an arena and a feed. The Node tests do the checking; this test starts the cluster, hands
 * them what they need in the environment, streams their output into the log and wants exit code 0.
 */
class JsClientSystemTest {
    private static final Path NODE = Path.of("/usr/bin/node");
    private static final Path CLIENT_DIR =
            Path.of("..", "clients", "js").toAbsolutePath().normalize();
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(5);
    /** Short, so that a seat's grace running out is seen within the test (the default is 30 s). */
    private static final int GRACE_SECONDS = 4;

    private static final String FEED_TOPIC = "js.PRICE";

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(Files.isExecutable(NODE), "/usr/bin/node is not installed");
        cluster = LocalCluster.start(
                "JsClientSystemTest",
                2,
                2,
                List.of("--reconnect-grace-seconds", Integer.toString(GRACE_SECONDS)),
                gateway -> List.of());
        cluster.startPublisher("feed-js", List.of("--topics", FEED_TOPIC, "--rate", "20"))
                .awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void nodeTestsPassAgainstARealCluster() throws Exception {
        Path logDir = Path.of("target", "system-test-logs", "JsClientSystemTest");
        Files.createDirectories(logDir);
        Path games = logDir.resolve("games.json").toAbsolutePath();
        Files.writeString(games, gamesJson(pgnGames()));

        ProcessBuilder builder = new ProcessBuilder(
                        NODE.toString(), "--experimental-websocket", "--test", "--test-reporter=spec", "test/")
                .directory(CLIENT_DIR.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("ROOMGATE_URL", cluster.websocket(0).toString());
        env.put("ROOMGATE_GAMES", games.toString());
        env.put("ROOMGATE_FEED_TOPIC", FEED_TOPIC);
        env.put("ROOMGATE_GRACE_SECONDS", Integer.toString(GRACE_SECONDS));
        env.put("ROOMGATE_SECOND_URL", cluster.websocket(1).toString());
        Path control = Files.createTempDirectory(logDir.toAbsolutePath(), "control");
        env.put("ROOMGATE_CONTROL", control.toString());
        env.put("NO_COLOR", "1");
        Process node;
        boolean exited;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            control.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            node = builder.start();
            Thread pump = new Thread(() -> pump(node, logDir.resolve("node-test.out")), "node-test-output");
            pump.start();
            Thread killer = new Thread(() -> killGatewayWhenAsked(watch, control, node), "gateway-killer");
            killer.setDaemon(true);
            killer.start();
            exited = node.waitFor(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                // Only the process this test started, by its handle.
                node.destroyForcibly();
                node.waitFor(10, TimeUnit.SECONDS);
            }
            pump.join(10_000);
        }
        assertThat(exited).as("node --test finished within %s", NODE_TIMEOUT).isTrue();
        assertThat(node.exitValue())
                .as("node --test exit code (output above and in %s)", logDir.resolve("node-test.out"))
                .isZero();
    }

    /**
     * The Node test asks for the second gateway to die (a file {@code kill-gateway-1} in the control
     * folder) at the moment its game needs it: kill -9, as a crash.
     */
    private static void killGatewayWhenAsked(WatchService watch, Path control, Process node) {
        try {
            while (node.isAlive()) {
                WatchKey key = watch.poll(1, TimeUnit.SECONDS);
                if (key == null) {
                    continue;
                }
                key.pollEvents();
                key.reset();
                if (Files.exists(control.resolve("kill-gateway-1"))) {
                    System.out.println("killing gw-2 (pid " + cluster.gateway(1).pid() + ") as the Node test asked");
                    cluster.gateway(1).kill();
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // The Node run is over.
        }
    }

    /** Node's output into the test log and a file next to the servers' logs. */
    private static void pump(Process node, Path file) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true)) {
            for (String line; (line = in.readLine()) != null; ) {
                System.out.println("[node] " + line);
                out.println(line);
            }
        } catch (IOException e) {
            System.err.println("reading node's output failed: " + e);
        }
    }

    /** A game in UCI, as the server accepts moves, with the end the chess module computes for it. */
    record UciGame(String name, List<String> uci, String finalFen, GameStatus finalStatus, String winner) {}

    /**
     * Real games: the first that ends in checkmate, then the first two long ones (the first of all
     * long enough for the drop test, which plays 30 plies).
     */
    static List<UciGame> pgnGames() throws IOException {
        List<UciGame> all = new ArrayList<>();
        for (String file : List.of("tatamast22.pgn", "WorldChamp1886.pgn")) {
            for (PgnGame game : PgnReader.readAll(Path.of("..", "data", "pgn", file))) {
                ChessGame replay = new ChessGame();
                List<String> uci = new ArrayList<>();
                for (String san : game.sanMoves()) {
                    if (replay.status().isOver()) {
                        break; // played on past an automatic draw (fivefold repetition): the server would not
                    }
                    String u = replay.toUci(san);
                    replay.play(u);
                    uci.add(u);
                }
                String name = file + " " + game.tag("White") + " - " + game.tag("Black") + " " + game.result();
                all.add(new UciGame(
                        name,
                        uci,
                        replay.fen(),
                        replay.status(),
                        replay.winner().map(Enum::name).orElse(null)));
            }
        }
        List<UciGame> chosen = new ArrayList<>();
        all.stream().filter(g -> g.uci().size() >= 40).limit(2).forEach(chosen::add);
        all.stream()
                .filter(g -> g.finalStatus() == GameStatus.CHECKMATE)
                .findFirst()
                .ifPresent(chosen::add);
        assertThat(chosen).hasSizeGreaterThanOrEqualTo(2);
        return chosen;
    }

    static String gamesJson(List<UciGame> games) {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < games.size(); i++) {
            UciGame g = games.get(i);
            json.append("  {\"name\": ")
                    .append(quote(g.name()))
                    .append(", \"finalFen\": ")
                    .append(quote(g.finalFen()))
                    .append(", \"finalStatus\": ")
                    .append(quote(g.finalStatus().name()))
                    .append(", \"winner\": ")
                    .append(g.winner() == null ? "null" : quote(g.winner()))
                    .append(", \"uci\": [");
            for (int m = 0; m < g.uci().size(); m++) {
                json.append(m == 0 ? "" : ", ").append(quote(g.uci().get(m)));
            }
            json.append("]}").append(i + 1 < games.size() ? ",\n" : "\n");
        }
        return json.append("]\n").toString();
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
