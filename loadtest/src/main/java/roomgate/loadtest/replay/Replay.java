package roomgate.loadtest.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.client.RoomgateClient;
import roomgate.loadtest.measure.ClientDispatch;
import roomgate.loadtest.measure.ProgressPrinter;
import roomgate.loadtest.measure.RoomDirectory;
import roomgate.loadtest.measure.RoomWatch;
import roomgate.loadtest.measure.RunStats;
import roomgate.loadtest.net.Connections;
import roomgate.loadtest.net.Target;
import roomgate.loadtest.report.LatencySummary;
import roomgate.loadtest.report.Report;
import roomgate.protocol.v1.ChessState;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;

/**
 * Replays recorded traffic as N independent copies: every recorded client becomes N clients (one
 * per copy, each its own connection), every recorded room N fresh rooms, and each client sends
 * its recorded messages at its recorded times divided by the speed factor. Sends are due at fixed
 * times whatever the answers (open loop), and move latency counts from the due time, so a slow
 * target cannot hide its stalls (no coordinated omission). One exception keeps games intact: a
 * move is not sent before its sender has seen the moves that were on the board when it was
 * recorded (bounded by {@code causalWait}; zero turns this off). At the end an observer joins each copy
 * as a spectator and its chess state must equal the recorded room's, as {@link ExpectedOutcomes}
 * derives it.
 */
public final class Replay {
    /** How to replay. */
    public record Settings(RecordedTraffic traffic, int copies, double speed, Target target,
            RoomgateClient.Encoding encoding, String roomPrefix, Duration settle, Duration timeout, int ioThreads,
            Duration causalWait) {}

    private final Settings settings;
    private final PrintStream out;
    private final RunStats stats = new RunStats();
    private final RoomDirectory rooms = new RoomDirectory();
    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicInteger unsupported = new AtomicInteger();
    private final AtomicInteger causalTimeouts = new AtomicInteger();
    private ExpectedOutcomes.Derivation derivation;

    /** One recorded client in one copy: its connection and its place in its script. */
    private final class Player {
        final int copy;
        final List<RecordedTraffic.Entry> script;
        final String name;
        RoomgateClient client;
        int next;

        Player(int copy, RecordedTraffic.ClientKey key, List<RecordedTraffic.Entry> script) {
            this.copy = copy;
            this.script = script;
            this.name = "copy" + copy + "/" + key;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public Replay(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public Report run() throws Exception {
        RecordedTraffic traffic = settings.traffic();
        derivation = ExpectedOutcomes.derivation(traffic);
        Map<String, ChessOutcome> expected = derivation.outcomes();
        for (int copy = 0; copy < settings.copies(); copy++) {
            for (String room : traffic.rooms()) {
                rooms.add(new RoomWatch(copyRoom(copy, room), stats, false));
                stats.roomStarted();
            }
        }
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "pacer"));
        List<Player> players = new ArrayList<>();
        try (Connections connections = new Connections(settings.ioThreads(), settings.encoding());
                ProgressPrinter progress = new ProgressPrinter("replay", () -> stats, out, 2000)) {
            for (int copy = 0; copy < settings.copies(); copy++) {
                for (Map.Entry<RecordedTraffic.ClientKey, List<RecordedTraffic.Entry>> c : traffic.byClient().entrySet()) {
                    players.add(new Player(copy, c.getKey(), c.getValue()));
                }
            }
            for (Player p : players) {
                String firstRoom = p.script.stream().map(e -> e.record().getRoomId()).filter(r -> !r.isEmpty())
                        .findFirst().orElse("none");
                p.client = connections.open(settings.target().uriFor(copyRoom(p.copy, firstRoom)),
                        new ClientDispatch(p, rooms, () -> stats));
                stats.clientConnected();
            }
            out.printf("replay: %d rooms x %d copies, %d clients, %d entries over %.1fs recorded, speed %.2f, to %s%n",
                    traffic.rooms().size(), settings.copies(), players.size(), traffic.entries().size() * settings.copies(),
                    traffic.durationMicros() / 1e6, settings.speed(), settings.target());
            traffic.warnings().forEach(w -> out.println("warning: " + w));

            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            CompletableFuture<Void> allDone = new CompletableFuture<>();
            AtomicInteger running = new AtomicInteger(players.size());
            for (Player p : players) {
                scheduleNext(p, pacer, start, running, allDone);
            }
            if (players.isEmpty()) {
                allDone.complete(null);
            }
            long budget = settings.timeout().toNanos();
            try {
                allDone.get(budget, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                out.println("replay: timed out after " + settings.timeout() + " with " + running.get() + " clients unfinished");
            }
            long sentDone = System.nanoTime();
            settle();
            long elapsed = System.nanoTime() - start;
            stats.latencySnapshot();
            Map<String, Map<Integer, ChessOutcome>> actual = observe(connections, expected);
            return report(expected, actual, elapsed, (sentDone - start) / 1e9);
        } finally {
            pacer.shutdownNow();
        }
    }

    private String copyRoom(int copy, String room) {
        return RoomIds.copyOf(settings.roomPrefix(), copy, room);
    }

    private void scheduleNext(Player p, ScheduledExecutorService pacer, long start, AtomicInteger running,
            CompletableFuture<Void> allDone) {
        if (p.next >= p.script.size()) {
            if (running.decrementAndGet() == 0) {
                allDone.complete(null);
            }
            return;
        }
        RecordedTraffic.Entry entry = p.script.get(p.next);
        long due = start + (long) (entry.offsetMicros() * 1_000 / settings.speed());
        pacer.schedule(() -> {
            p.next++;
            Runnable send = () -> {
                perform(p, entry, due);
                scheduleNext(p, pacer, start, running, allDone);
            };
            Integer movesBefore = derivation.movesBefore().get(entry);
            if (movesBefore == null || settings.causalWait().isZero()) {
                send.run();
                return;
            }
            // A move answers the moves its sender had seen: keep it behind them, as the recorded client
            // was, or a faster replay reorders the players and the game diverges. Bounded, so that a
            // copy that already diverged cannot stall its client; the wait counts in the latency.
            AtomicBoolean sent = new AtomicBoolean();
            Runnable once = () -> {
                if (sent.compareAndSet(false, true)) {
                    send.run();
                }
            };
            rooms.get(copyRoom(p.copy, entry.record().getRoomId())).whenSeen(p, movesBefore, once);
            if (!sent.get()) {
                pacer.schedule(() -> {
                    if (!sent.get()) {
                        causalTimeouts.incrementAndGet();
                        once.run();
                    }
                }, settings.causalWait().toNanos(), TimeUnit.NANOSECONDS);
            }
        }, due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void perform(Player p, RecordedTraffic.Entry entry, long due) {
        if (entry.record().hasSessionEnded()) {
            // The recorded client hung up: so does its copy, which frees its seats the same way. Off the
            // pacer thread: a close waits for the server's answer, and other sends are due meanwhile.
            CompletableFuture.runAsync(p.client::close);
            return;
        }
        String room = copyRoom(p.copy, entry.record().getRoomId());
        String requestId = "rp-" + requestIds.incrementAndGet();
        ClientMessage message = MessageRewriter.retarget(entry.record().getMessage(), room, requestId);
        if (message == null) {
            unsupported.incrementAndGet();
            return;
        }
        if (message.hasMove()) {
            RoomWatch watch = rooms.get(room);
            watch.moveSent(requestId, due);
            stats.moveSent();
        }
        stats.sent();
        p.client.send(message);
    }

    /** Waits (bounded) for the moves in flight to reach everyone. */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + settings.settle().toNanos();
        while (System.nanoTime() < deadline) {
            long incomplete = rooms.all().stream().mapToLong(RoomWatch::incompleteMoves).sum();
            if (incomplete == 0 && stats.movesCompleted() + stats.errorCount() >= stats.movesSent()) {
                break;
            }
            Thread.sleep(20);
        }
    }

    /** Joins every copy of every chess room as a spectator and reads its state. */
    private Map<String, Map<Integer, ChessOutcome>> observe(Connections connections, Map<String, ChessOutcome> expected)
            throws Exception {
        Map<String, Map<Integer, ChessOutcome>> actual = new LinkedHashMap<>();
        // The observers' own traffic is not part of the replay's figures.
        RunStats observerStats = new RunStats();
        for (String room : expected.keySet()) {
            for (int copy = 0; copy < settings.copies(); copy++) {
                String copyRoom = copyRoom(copy, room);
                ClientDispatch dispatch = new ClientDispatch("observer", new RoomDirectory(), () -> observerStats);
                RoomgateClient observer = connections.open(settings.target().uriFor(copyRoom), dispatch);
                CompletableFuture<ServerMessage> reply = dispatch.expect("observe");
                observer.send(ClientMessage.newBuilder().setRequestId("observe")
                        .setJoin(JoinRoom.newBuilder().setRoomId(copyRoom).setGameType(GameType.CHESS)
                                .setRole(Role.SPECTATOR).setDisplayName("replay-observer"))
                        .build());
                ServerMessage answer = reply.get(10, TimeUnit.SECONDS);
                observer.close();
                if (answer.hasJoined() && answer.getJoined().getState().hasChess()) {
                    ChessState chess = answer.getJoined().getState().getChess();
                    actual.computeIfAbsent(room, r -> new HashMap<>()).put(copy, new ChessOutcome(
                            chess.getUciMovesList(), chess.getFen(), chess.getStatus().name(), chess.getWinner().name()));
                }
            }
        }
        return actual;
    }

    private Report report(Map<String, ChessOutcome> expected, Map<String, Map<Integer, ChessOutcome>> actual,
            long elapsedNanos, double sendingSeconds) {
        Report report = new Report("roomgate replay against " + settings.target());
        int matched = 0;
        int mismatched = 0;
        for (Map.Entry<String, ChessOutcome> e : expected.entrySet()) {
            for (int copy = 0; copy < settings.copies(); copy++) {
                ChessOutcome got = actual.getOrDefault(e.getKey(), Map.of()).get(copy);
                String difference = got == null ? "no chess state could be read" : e.getValue().differenceFrom(got);
                if (difference == null) {
                    matched++;
                } else {
                    mismatched++;
                    report.problem("room " + e.getKey() + " copy " + copy + " (" + copyRoom(copy, e.getKey()) + "): "
                            + difference);
                }
            }
        }
        double seconds = elapsedNanos / 1e9;
        report.put("command", "replay")
                .put("target", settings.target().toString())
                .put("copies", settings.copies())
                .put("speed", settings.speed())
                .put("recordedRooms", settings.traffic().rooms().size())
                .put("recordedClients", settings.traffic().byClient().size())
                .put("recordingWarnings", settings.traffic().warnings())
                .put("recordedSeconds", settings.traffic().durationMicros() / 1e6)
                .put("rooms", stats.rooms())
                .put("clients", stats.clients())
                .put("messagesSent", stats.messagesSent())
                .put("messagesReceived", stats.messagesReceived())
                .put("messagesSkippedNoRoom", unsupported.get())
                .put("causalWaitMs", settings.causalWait().toMillis())
                .put("movesSentAfterCausalWaitTimedOut", causalTimeouts.get())
                .put("movesSent", stats.movesSent())
                .put("movesSeenByAll", stats.movesCompleted())
                .put("errors", stats.errors())
                .put("sequenceGaps", stats.sequenceGaps())
                .put("chessRoomCopiesChecked", matched + mismatched)
                .put("chessRoomCopiesMatched", matched)
                .put("chessRoomCopiesMismatched", mismatched)
                .put("sendingSeconds", Math.round(sendingSeconds * 1000) / 1000.0)
                .put("elapsedSeconds", Math.round(seconds * 1000) / 1000.0)
                .put("expectedOutcomes", outcomes(expected));
        report.latency("moves", LatencySummary.of(stats.cumulativeLatency()));
        return report;
    }

    private static Map<String, Object> outcomes(Map<String, ChessOutcome> expected) {
        Map<String, Object> out = new LinkedHashMap<>();
        expected.forEach((room, o) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("moves", o.uciMoves().size());
            one.put("status", o.status());
            one.put("winner", o.winner());
            one.put("fen", o.fen());
            out.put(room, one);
        });
        return out;
    }
}
