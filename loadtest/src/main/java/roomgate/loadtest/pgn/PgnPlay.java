package roomgate.loadtest.pgn;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.client.RoomgateClient;
import roomgate.loadtest.measure.ClientDispatch;
import roomgate.loadtest.measure.ProgressPrinter;
import roomgate.loadtest.measure.RoomDirectory;
import roomgate.loadtest.measure.RoomWatch;
import roomgate.loadtest.measure.RunStats;
import roomgate.loadtest.net.Connections;
import roomgate.loadtest.net.Target;
import roomgate.loadtest.play.GameDriver;
import roomgate.loadtest.report.LatencySummary;
import roomgate.loadtest.report.Report;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * Plays real games: each game is a room with a white and a black player and some spectators, each
 * its own connection. With a pace, ply i of every game is due {@code i x pace} after the start
 * (open loop: sent when due, latency measured from when it was due); with pace 0 a player moves as
 * soon as it has seen the previous move (closed loop); either way a move waits for its mover to
 * have seen the move before it ({@link GameDriver}). At the end every participant must have seen
 * every move of its game, in order.
 */
public final class PgnPlay {
    /** How to play: the games, spectators per room, pace, where, and how long to wait at most. */
    public record Settings(
            List<PgnGames.Game> games,
            int spectators,
            Duration pace,
            Target target,
            RoomgateClient.Encoding encoding,
            String roomPrefix,
            Duration timeout,
            int ioThreads) {}

    private final Settings settings;
    private final PrintStream out;
    private final RunStats stats = new RunStats();
    private final RoomDirectory rooms = new RoomDirectory();
    private final AtomicLong requestIds = new AtomicLong();

    /** One game being played: its room, its watch, its clients (white, black, spectators). */
    private record Table(
            String roomId,
            PgnGames.Game game,
            RoomWatch watch,
            List<RoomgateClient> clients,
            List<ClientDispatch> dispatch) {}

    public PgnPlay(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    @SuppressWarnings("try") // the progress printer prints on its own timer; the try only closes it
    public Report run() throws Exception {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "pacer"));
        List<Table> tables = new ArrayList<>();
        try (Connections connections = new Connections(settings.ioThreads(), settings.encoding());
                ProgressPrinter progress = new ProgressPrinter("play-pgn", () -> stats, out, 2000)) {
            for (int g = 0; g < settings.games().size(); g++) {
                tables.add(seat(connections, g));
            }
            long totalPlies =
                    tables.stream().mapToLong(t -> t.game().uci().size()).sum();
            out.printf(
                    "play-pgn: %d games, %d plies, %d clients seated at %s%n",
                    tables.size(), totalPlies, stats.clients(), settings.target());
            long start = System.nanoTime();
            for (Table table : tables) {
                GameDriver driver = new GameDriver(
                        table.watch(),
                        new GameDriver.Player(
                                table.clients().get(0), table.dispatch().get(0).participant()),
                        new GameDriver.Player(
                                table.clients().get(1), table.dispatch().get(1).participant()),
                        table.game().uci(),
                        settings.pace().isZero(),
                        () -> stats,
                        () -> "m-" + requestIds.incrementAndGet(),
                        () -> {});
                if (settings.pace().isZero()) {
                    driver.start();
                } else {
                    scheduleOpenLoop(driver, table.game().uci().size(), pacer, start);
                }
            }
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            while (stats.movesCompleted() < totalPlies && System.nanoTime() < deadline && stats.errorCount() == 0) {
                Thread.sleep(20);
            }
            // Let stragglers (late copies to spectators) arrive before judging.
            Thread.sleep(200);
            long elapsed = System.nanoTime() - start;
            stats.latencySnapshot();
            return report(tables, totalPlies, elapsed);
        } finally {
            pacer.shutdownNow();
        }
    }

    private Table seat(Connections connections, int index) throws Exception {
        PgnGames.Game game = settings.games().get(index);
        String roomId = settings.roomPrefix() + "-" + index;
        RoomWatch watch = rooms.add(new RoomWatch(roomId, stats, true));
        int participants = 2 + settings.spectators();
        List<RoomgateClient> clients = new ArrayList<>();
        List<ClientDispatch> dispatch = new ArrayList<>();
        for (int i = 0; i < participants; i++) {
            ClientDispatch d = new ClientDispatch(roomId + "/" + i, rooms, () -> stats);
            clients.add(connections.open(settings.target().uriFor(roomId), d));
            dispatch.add(d);
            stats.clientConnected();
        }
        for (int i = 0; i < participants; i++) {
            Role role = i < 2 ? Role.PLAYER : Role.SPECTATOR;
            Side side = i == 0 ? Side.WHITE : i == 1 ? Side.BLACK : Side.SIDE_UNSPECIFIED;
            String requestId = "join-" + requestIds.incrementAndGet();
            CompletableFuture<ServerMessage> reply = dispatch.get(i).expect(requestId);
            send(
                    clients.get(i),
                    ClientMessage.newBuilder()
                            .setRequestId(requestId)
                            .setJoin(JoinRoom.newBuilder()
                                    .setRoomId(roomId)
                                    .setGameType(GameType.CHESS)
                                    .setRole(role)
                                    .setSide(side)
                                    .setDisplayName(i < 2 ? (i == 0 ? "white" : "black") : "spectator-" + (i - 1)))
                            .build());
            ServerMessage answer;
            try {
                answer = reply.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException("no answer to the join of " + roomId + " participant " + i);
            }
            if (!answer.hasJoined()) {
                throw new IllegalStateException("join of " + roomId + " participant " + i + " refused: " + answer);
            }
        }
        stats.roomStarted();
        return new Table(roomId, game, watch, clients, dispatch);
    }

    private void scheduleOpenLoop(GameDriver driver, int plies, ScheduledExecutorService pacer, long start) {
        long paceNanos = settings.pace().toNanos();
        for (int ply = 0; ply < plies; ply++) {
            long due = start + (ply + 1) * paceNanos;
            pacer.schedule(() -> driver.due(due), due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
    }

    private void send(RoomgateClient client, ClientMessage message) {
        stats.sent();
        client.send(message);
    }

    private Report report(List<Table> tables, long totalPlies, long elapsedNanos) {
        Report report = new Report("roomgate play-pgn against " + settings.target());
        int verified = 0;
        for (Table table : tables) {
            Map<Object, List<String>> seen = table.watch().movesSeen();
            for (int i = 0; i < table.dispatch().size(); i++) {
                Object participant = table.dispatch().get(i).participant();
                List<String> moves = seen.getOrDefault(participant, List.of());
                if (moves.equals(table.game().uci())) {
                    verified++;
                } else {
                    report.problem(table.roomId() + " (" + table.game().name() + "): participant " + i + " saw "
                            + moves.size() + " of " + table.game().uci().size() + " moves"
                            + (moves.size() <= table.game().uci().size() ? "" : " (more than played)")
                            + firstDifference(moves, table.game().uci()));
                }
            }
        }
        if (stats.errorCount() > 0) {
            report.problem("errors: " + stats.errors());
        }
        if (stats.sequenceGaps() > 0) {
            report.problem(stats.sequenceGaps() + " sequence gaps (participants missed events)");
        }
        double seconds = elapsedNanos / 1e9;
        report.put("command", "play-pgn")
                .put("target", settings.target().toString())
                .put("games", tables.size())
                .put("plies", totalPlies)
                .put("spectatorsPerRoom", settings.spectators())
                .put("paceMs", settings.pace().toMillis())
                .put("rooms", stats.rooms())
                .put("clients", stats.clients())
                .put("messagesSent", stats.messagesSent())
                .put("messagesReceived", stats.messagesReceived())
                .put("movesSent", stats.movesSent())
                .put("movesSeenByAll", stats.movesCompleted())
                .put("participantsVerified", verified)
                .put(
                        "participants",
                        tables.stream().mapToInt(t -> t.clients().size()).sum())
                .put("errors", stats.errors())
                .put("sequenceGaps", stats.sequenceGaps())
                .put("elapsedSeconds", Math.round(seconds * 1000) / 1000.0)
                .put("movesPerSecond", Math.round(stats.movesCompleted() / seconds * 10) / 10.0);
        report.latency("moves", LatencySummary.of(stats.cumulativeLatency()));
        return report;
    }

    private static String firstDifference(List<String> seen, List<String> expected) {
        for (int i = 0; i < Math.min(seen.size(), expected.size()); i++) {
            if (!seen.get(i).equals(expected.get(i))) {
                return "; first difference at ply " + (i + 1) + ": saw " + seen.get(i) + ", played " + expected.get(i);
            }
        }
        return "";
    }
}
