package roomgate.loadtest.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * room's requests go out in recorded order, each after the room's previous request was answered
 * (bounded by {@code causalWait}; zero turns this off). At the end an observer joins each copy
 * as a spectator and its chess state must equal the recorded room's, as {@link ExpectedOutcomes}
 * derives it.
 */
public final class Replay {
    /** How to replay. */
    public record Settings(
            RecordedTraffic traffic,
            int copies,
            double speed,
            Target target,
            RoomgateClient.Encoding encoding,
            String roomPrefix,
            Duration settle,
            Duration timeout,
            int ioThreads,
            Duration causalWait) {}

    private final Settings settings;
    private final PrintStream out;
    private final RunStats stats = new RunStats();
    private final RoomDirectory rooms = new RoomDirectory();
    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicInteger unsupported = new AtomicInteger();
    private final AtomicInteger causalTimeouts = new AtomicInteger();
    private final List<String> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Per copy and recorded entry: completes when that request was answered (or will never be). */
    private final Map<Long, CompletableFuture<Void>> answered = new ConcurrentHashMap<>();
    /** For each recorded entry, the entry before it in the same room, or -1. */
    private int[] previousInRoom;
    /** For each session end: the latest entry before it in every room its client had used. */
    private final Map<Integer, List<Integer>> beforeEnd = new HashMap<>();

    /** One recorded client in one copy: its connection and its place in its script. */
    private final class Player {
        final int copy;
        final List<RecordedTraffic.Entry> script;
        final String name;
        RoomgateClient client;
        ClientDispatch dispatch;
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

    @SuppressWarnings("try") // the progress printer prints on its own timer; the try only closes it
    public Report run() throws Exception {
        RecordedTraffic traffic = settings.traffic();
        Map<String, ChessOutcome> expected = ExpectedOutcomes.derive(traffic);
        previousInRoom = previousInRoom(traffic);
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
                for (Map.Entry<RecordedTraffic.ClientKey, List<RecordedTraffic.Entry>> c :
                        traffic.byClient().entrySet()) {
                    players.add(new Player(copy, c.getKey(), c.getValue()));
                }
            }
            for (Player p : players) {
                String firstRoom = p.script.stream()
                        .map(e -> e.record().getRoomId())
                        .filter(r -> !r.isEmpty())
                        .findFirst()
                        .orElse("none");
                p.dispatch = new ClientDispatch(p, rooms, () -> stats);
                p.client = connections.open(settings.target().uriFor(copyRoom(p.copy, firstRoom)), p.dispatch);
                stats.clientConnected();
            }
            out.printf(
                    "replay: %d rooms x %d copies, %d clients, %d entries over %.1fs recorded, speed %.2f, to %s%n",
                    traffic.rooms().size(),
                    settings.copies(),
                    players.size(),
                    traffic.entries().size() * settings.copies(),
                    traffic.durationMicros() / 1e6,
                    settings.speed(),
                    settings.target());
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
                out.println("replay: timed out after " + settings.timeout() + " with " + running.get()
                        + " clients unfinished");
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

    private void scheduleNext(
            Player p,
            ScheduledExecutorService pacer,
            long start,
            AtomicInteger running,
            CompletableFuture<Void> allDone) {
        if (p.next >= p.script.size()) {
            if (running.decrementAndGet() == 0) {
                allDone.complete(null);
            }
            return;
        }
        RecordedTraffic.Entry entry = p.script.get(p.next);
        long due = start + (long) (entry.offsetMicros() * 1_000 / settings.speed());
        pacer.schedule(
                () -> {
                    p.next++;
                    Runnable send = () -> {
                        perform(p, entry, due);
                        scheduleNext(p, pacer, start, running, allDone);
                    };
                    int previous = previousInRoom[entry.index()];
                    // A hang-up waits until its rooms have got as far as when it was recorded (everything
                    // before it answered): closing earlier would leave the room before moves it saw, or drop
                    // the answer to its own last request.
                    CompletableFuture<Void> before = entry.record().hasSessionEnded()
                            ? allAnswered(p.copy, entry)
                            : previous >= 0 ? answer(p.copy, previous) : null;
                    if (before == null || settings.causalWait().isZero()) {
                        send.run();
                        return;
                    }
                    // A room's requests go out in recorded order: each waits until the room's previous request
                    // was answered, as it was when recorded (a join before the moves, a leave before the next
                    // join). Otherwise two clients racing on separate connections could swap seats or turns and
                    // the copy would diverge. Bounded, so one lost answer cannot stall the copy; the wait counts
                    // in the latency, which runs from the due time.
                    AtomicBoolean gate = new AtomicBoolean();
                    Runnable once = () -> {
                        if (gate.compareAndSet(false, true)) {
                            send.run();
                        }
                    };
                    before.thenRun(once);
                    if (!gate.get()) {
                        pacer.schedule(
                                () -> {
                                    if (!gate.get()) {
                                        if (causalTimeouts.incrementAndGet() <= 10) {
                                            unanswered.add("copy " + p.copy + ": "
                                                    + (previous >= 0
                                                            ? describe(settings.traffic()
                                                                    .entries()
                                                                    .get(previous))
                                                            : "rooms of " + p)
                                                    + " (holding up " + describe(entry) + ")");
                                        }
                                        once.run();
                                    }
                                },
                                settings.causalWait().toNanos(),
                                TimeUnit.NANOSECONDS);
                    }
                },
                due - System.nanoTime(),
                TimeUnit.NANOSECONDS);
    }

    private CompletableFuture<Void> answer(int copy, int entry) {
        return answered.computeIfAbsent((long) copy * previousInRoom.length + entry, k -> new CompletableFuture<>());
    }

    private static String describe(RecordedTraffic.Entry e) {
        return "entry " + e.index() + " at " + e.offsetMicros() / 1000 + "ms from client " + e.client() + " in "
                + e.record().getRoomId() + ": "
                + (e.record().hasMessage() ? e.record().getMessage().getBodyCase() : "end");
    }

    private CompletableFuture<Void> allAnswered(int copy, RecordedTraffic.Entry end) {
        List<Integer> entries = beforeEnd.getOrDefault(end.index(), List.of());
        return CompletableFuture.allOf(
                entries.stream().map(i -> answer(copy, i)).toArray(CompletableFuture[]::new));
    }

    private int[] previousInRoom(RecordedTraffic traffic) {
        int[] previous = new int[traffic.entries().size()];
        Map<String, Integer> last = new HashMap<>();
        Map<RecordedTraffic.ClientKey, java.util.Set<String>> roomsOf = new HashMap<>();
        for (RecordedTraffic.Entry e : traffic.entries()) {
            String room = e.record().getRoomId();
            if (e.record().hasSessionEnded()) {
                previous[e.index()] = -1;
                beforeEnd.put(
                        e.index(),
                        roomsOf.getOrDefault(e.client(), java.util.Set.of()).stream()
                                .map(last::get)
                                .toList());
                continue;
            }
            previous[e.index()] = room.isEmpty() ? -1 : last.getOrDefault(room, -1);
            if (!room.isEmpty()) {
                last.put(room, e.index());
                roomsOf.computeIfAbsent(e.client(), c -> new java.util.HashSet<>())
                        .add(room);
            }
        }
        return previous;
    }

    private void perform(Player p, RecordedTraffic.Entry entry, long due) {
        CompletableFuture<Void> done = answer(p.copy, entry.index());
        if (entry.record().hasSessionEnded()) {
            // The recorded client hung up: so does its copy, which frees its seats the same way. Off the
            // pacer thread: a close waits for the server's answer, and other sends are due meanwhile.
            CompletableFuture.runAsync(p.client::close);
            done.complete(null);
            return;
        }
        String room = copyRoom(p.copy, entry.record().getRoomId());
        String requestId = "rp-" + requestIds.incrementAndGet();
        ClientMessage message = MessageRewriter.retarget(entry.record().getMessage(), room, requestId);
        if (message == null) {
            unsupported.incrementAndGet();
            done.complete(null);
            return;
        }
        p.dispatch.expect(requestId).thenRun(() -> done.complete(null));
        if (message.hasMove()) {
            rooms.get(room).moveSent(requestId, due);
            stats.moveSent();
        }
        stats.sent();
        p.client.send(message);
    }

    /** Waits (bounded) for the moves in flight to reach everyone. */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + settings.settle().toNanos();
        while (System.nanoTime() < deadline) {
            long incomplete =
                    rooms.all().stream().mapToLong(RoomWatch::incompleteMoves).sum();
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
                observer.send(ClientMessage.newBuilder()
                        .setRequestId("observe")
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(copyRoom)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.SPECTATOR)
                                .setDisplayName("replay-observer"))
                        .build());
                ServerMessage answer = reply.get(10, TimeUnit.SECONDS);
                observer.close();
                if (answer.hasJoined() && answer.getJoined().getState().hasChess()) {
                    ChessState chess = answer.getJoined().getState().getChess();
                    actual.computeIfAbsent(room, r -> new HashMap<>())
                            .put(
                                    copy,
                                    new ChessOutcome(
                                            chess.getUciMovesList(),
                                            chess.getFen(),
                                            chess.getStatus().name(),
                                            chess.getWinner().name()));
                }
            }
        }
        return actual;
    }

    private Report report(
            Map<String, ChessOutcome> expected,
            Map<String, Map<Integer, ChessOutcome>> actual,
            long elapsedNanos,
            double sendingSeconds) {
        Report report = new Report("roomgate replay against " + settings.target());
        int matched = 0;
        int mismatched = 0;
        for (Map.Entry<String, ChessOutcome> e : expected.entrySet()) {
            for (int copy = 0; copy < settings.copies(); copy++) {
                ChessOutcome got = actual.getOrDefault(e.getKey(), Map.of()).get(copy);
                String difference = got == null
                        ? "no chess state could be read"
                        : e.getValue().differenceFrom(got);
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
                .put("requestsSentAfterCausalWaitTimedOut", causalTimeouts.get())
                .put("unansweredRequests", List.copyOf(unanswered))
                .put("movesSent", stats.movesSent())
                .put("movesSeenByAll", stats.movesCompleted())
                .put("errors", stats.errors())
                .put("sequenceGaps", stats.sequenceGaps())
                .put("movesNotSeenByAllByRoom", incompleteByRoom())
                .put("chessRoomCopiesChecked", matched + mismatched)
                .put("chessRoomCopiesMatched", matched)
                .put("chessRoomCopiesMismatched", mismatched)
                .put("sendingSeconds", Math.round(sendingSeconds * 1000) / 1000.0)
                .put("elapsedSeconds", Math.round(seconds * 1000) / 1000.0)
                .put("expectedOutcomes", outcomes(expected));
        report.latency("moves", LatencySummary.of(stats.cumulativeLatency()));
        return report;
    }

    private Map<String, Object> incompleteByRoom() {
        Map<String, Object> incomplete = new java.util.TreeMap<>();
        for (RoomWatch watch : rooms.all()) {
            if (watch.incompleteMoves() > 0) {
                incomplete.put(watch.roomId(), watch.incompleteMoves() + " " + watch.describeIncomplete(3));
            }
        }
        return incomplete;
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
