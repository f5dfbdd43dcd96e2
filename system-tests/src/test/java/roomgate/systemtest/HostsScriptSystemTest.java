package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.chess.ChessGame;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.v1.Side;

/**
 * {@code deploy/netns/hosts.sh} as an operator runs it: two game nodes and a gateway, each in its own
 * network namespace with its own address; a real game is played through the gateway's address, and
 * {@code down} must leave nothing behind (no namespace or link with the run's prefix, no process).
 * Needs root; skipped elsewhere.
 */
class HostsScriptSystemTest {
    private NetnsHosts hosts;

    @AfterEach
    void tearDown() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void nodesAndAGatewayOnTheirOwnAddressesPlayAGameAndGoAwayWithoutATrace() throws Exception {
        assumeTrue(NetnsHosts.available(), "needs root and iproute2 (network namespaces)");
        Path runDir = Path.of(
                        "target",
                        "system-test-logs",
                        "netns-script",
                        "run-" + ProcessHandle.current().pid())
                .toAbsolutePath();
        hosts = NetnsHosts.up(runDir, List.of("--nodes", "2", "--gateways", "1"), Duration.ofMinutes(4));

        NetnsHosts.Host gateway = hosts.host("gw-1");
        assertThat(gateway.address())
                .startsWith("10.213.")
                .isNotEqualTo(hosts.host("node-1").address());
        List<String> plan = firstGame();
        String roomId = "netns-" + UUID.randomUUID();
        URI ws = URI.create("ws://" + gateway.address() + ":8080/ws");
        try (RoomgateClient white = RoomgateClient.connect(ws, Encoding.BINARY);
                RoomgateClient black = RoomgateClient.connect(ws, Encoding.BINARY)) {
            GameFixture.join(white, roomId, Side.WHITE);
            GameFixture.join(black, roomId, Side.BLACK);
            LiveGame game = new LiveGame(roomId, white, black, plan);
            for (int ply = 0; ply < 20; ply++) {
                assertThat(game.playNext(
                                Duration.ofSeconds(5),
                                System.nanoTime() + Duration.ofSeconds(30).toNanos()))
                        .as("ply %d in %s: %s", ply, roomId, game.lastProblem())
                        .isTrue();
            }
            assertThat(game.seenMoves(black)).isEqualTo(plan.subList(0, 20));
        }

        Map<String, Long> pids = hosts.pids();
        assertThat(pids).containsOnlyKeys("node-1", "node-2", "gw-1");
        // Each host's namespace, the bridge's namespace, the root link, and the processes.
        assertThat(hosts.leftovers())
                .as("what runs before down")
                .hasSize(hosts.hosts().size() + 2 + pids.size());
        hosts.down();
        assertThat(hosts.leftovers()).as("what down left behind").isEmpty();
    }

    /** The first game of the fixture's collection, as UCI moves. */
    private static List<String> firstGame() throws Exception {
        for (PgnGame game : PgnReader.readAll(Path.of("..", "data", "pgn", "tatamast22.pgn"))) {
            if (game.sanMoves().size() >= 40) {
                ChessGame replay = new ChessGame();
                List<String> uci = new ArrayList<>();
                for (String san : game.sanMoves()) {
                    String u = replay.toUci(san);
                    replay.play(u);
                    uci.add(u);
                }
                return uci;
            }
        }
        throw new IllegalStateException("no game of 40 plies in tatamast22.pgn");
    }
}
