package roomgate.loadtest.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import roomgate.client.RoomgateClient;
import roomgate.loadtest.measure.ClientDispatch;
import roomgate.loadtest.measure.ProgressPrinter;
import roomgate.loadtest.measure.RoomDirectory;
import roomgate.loadtest.measure.RunStats;
import roomgate.loadtest.net.Connections;
import roomgate.loadtest.net.Target;
import roomgate.loadtest.pgn.PgnGames;
import roomgate.loadtest.report.LatencySummary;
import roomgate.loadtest.report.Report;

/**
 * One benchmark pass against one target: {@code clients} connections in {@code rooms} slots
 * (two players each, the rest spectators spread over the slots) play real games. First idle
 * connections are opened to measure memory per connection; then these phases run, each with a
 * warm-up and a measured window: open-loop moves at each fixed rate, closed loop (as fast as the
 * target lets), and a fan-out room (two players and many spectators on connections of its own). During each window it reads the
 * CPU time of the routing process(es) and of the nodes, to give CPU per message.
 */
public final class BenchRun {
    /** What to run and what to watch. */
    public record Settings(
            String name,
            Target target,
            RoomgateClient.Encoding encoding,
            int ioThreads,
            int rooms,
            int clients,
            List<Integer> rates,
            Duration warmup,
            Duration window,
            boolean closedLoop,
            List<Integer> fanoutSpectators,
            int fanoutRate,
            int idleConnections,
            List<Long> routingPids,
            List<Long> heapPids,
            List<Long> nodePids,
            List<PgnGames.Game> games) {}

    private static final Duration SEAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final Settings settings;
    private final PrintStream out;
    private final RoomDirectory directory = new RoomDirectory();
    private final AtomicLong requestIds = new AtomicLong();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pacer");
        t.setDaemon(true);
        return t;
    });
    private volatile RunStats stats = new RunStats();
    private int phaseCount;

    public BenchRun(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    @SuppressWarnings("try") // the progress printer prints on its own timer; the try only closes it
    public Report run() throws Exception {
        Report report = new Report("roomgate bench: " + settings.name() + " (" + settings.target() + ")");
        report.put("command", "bench")
                .put("targetName", settings.name())
                .put("target", settings.target().toString())
                .put("rooms", settings.rooms())
                .put("clients", settings.clients())
                .put("warmupSeconds", settings.warmup().toSeconds())
                .put("windowSeconds", settings.window().toSeconds());
        String tag = Long.toString(System.nanoTime() % 1_000_000, 36);
        GameSource games = new GameSource(settings.games(), 0);
        try (Connections connections = new Connections(settings.ioThreads(), settings.encoding());
                ProgressPrinter progress = new ProgressPrinter("bench " + settings.name(), () -> stats, out, 2000)) {
            List<Slot.Member> members = connect(connections, settings.clients(), i -> slotKey(tag, slotOf(i)));
            List<Slot> slots = slots(members, tag, games);
            // Memory first, while the target holds only the idle base clients: a measurement after the
            // load would count whatever the load left queued.
            if (settings.idleConnections() > 0) {
                report.put("idle", idle(tag));
            }
            Map<String, Object> phases = new LinkedHashMap<>();
            for (int rate : settings.rates()) {
                String name = "open-" + rate;
                phases.put(name, phase(name, slots, false, rate, report));
            }
            if (settings.closedLoop()) {
                phases.put("closed", phase("closed", slots, true, 0, report));
            }
            for (int spectators : settings.fanoutSpectators()) {
                if (spectators > 0) {
                    phases.put("fanout-" + spectators, fanout(tag, spectators, games, report));
                }
            }
            report.put("phases", phases);
        } finally {
            pacer.shutdownNow();
        }
        return report;
    }

    private String requestId() {
        return "b" + requestIds.incrementAndGet();
    }

    private List<Slot.Member> connect(
            Connections connections, int count, java.util.function.IntFunction<String> routingKey) throws Exception {
        List<ClientDispatch> dispatch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            dispatch.add(new ClientDispatch(routingKey.apply(i) + "/" + i, directory, () -> stats));
        }
        long start = System.nanoTime();
        List<RoomgateClient> clients =
                connections.openAll(count, i -> settings.target().uriFor(routingKey.apply(i)), dispatch::get);
        out.printf(
                "bench %s: %d clients connected in %.1fs%n",
                settings.name(), clients.size(), (System.nanoTime() - start) / 1e9);
        List<Slot.Member> members = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            members.add(new Slot.Member(clients.get(i), dispatch.get(i)));
        }
        return members;
    }

    /** Clients 0..2R-1 are the players of slots 0..R-1 (white, black); the rest spectate round-robin. */
    private int slotOf(int client) {
        int players = 2 * settings.rooms();
        return client < players ? client / 2 : (client - players) % settings.rooms();
    }

    private static String slotKey(String tag, int slot) {
        return "bench-" + tag + "-" + slot;
    }

    private List<Slot> slots(List<Slot.Member> members, String tag, GameSource games) {
        List<List<Slot.Member>> bySlot = new ArrayList<>();
        for (int s = 0; s < settings.rooms(); s++) {
            bySlot.add(new ArrayList<>());
        }
        for (int i = 0; i < members.size(); i++) {
            bySlot.get(slotOf(i)).add(members.get(i));
        }
        List<Slot> slots = new ArrayList<>();
        for (int s = 0; s < settings.rooms(); s++) {
            slots.add(new Slot(slotKey(tag, s), bySlot.get(s), directory, () -> stats, games, this::requestId));
        }
        return slots;
    }

    /** One phase: seat, warm up, measure a window, stop, drain. */
    private Map<String, Object> phase(String name, List<Slot> slots, boolean closed, int rate, Report report)
            throws Exception {
        String phaseTag = "p" + (++phaseCount);
        int clients = slots.stream().mapToInt(Slot::size).sum();
        RunStats seating = phaseStats(slots.size(), clients);
        stats = seating;
        List<CompletableFuture<Void>> seated = new ArrayList<>();
        for (Slot s : slots) {
            seated.add(s.start(phaseTag, closed));
        }
        CompletableFuture.allOf(seated.toArray(CompletableFuture[]::new))
                .get(SEAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        out.printf("bench %s: phase %s, %d rooms seated%n", settings.name(), name, slots.size());

        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        List<java.util.concurrent.ScheduledFuture<?>> ticks = new ArrayList<>();
        if (!closed) {
            // Rate R over S slots: each slot has a move due every S/R seconds, slots staggered evenly.
            long period = Math.max(1, (long) (1e9 * slots.size() / rate));
            for (int i = 0; i < slots.size(); i++) {
                Slot slot = slots.get(i);
                long first = t0 + period * i / slots.size();
                ticks.add(schedulePeriodic(slot, first, period));
            }
        }
        long windowStart = t0 + settings.warmup().toNanos();
        sleepUntil(windowStart);
        RunStats measured = phaseStats(slots.size(), clients);
        stats = measured;
        long routingCpu0 = ProcessProbe.cpuNanos(settings.routingPids());
        long nodeCpu0 = ProcessProbe.cpuNanos(settings.nodePids());
        long windowEnd = windowStart + settings.window().toNanos();
        sleepUntil(windowEnd);
        stats = phaseStats(slots.size(), clients);
        long routingCpu = ProcessProbe.cpuNanos(settings.routingPids()) - routingCpu0;
        long nodeCpu = ProcessProbe.cpuNanos(settings.nodePids()) - nodeCpu0;
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        ticks.forEach(t -> t.cancel(false));
        slots.forEach(Slot::stop);
        long drainUntil = System.nanoTime() + DRAIN.toNanos();
        while (System.nanoTime() < drainUntil
                && slots.stream().mapToInt(Slot::incompleteMoves).sum() > 0) {
            Thread.sleep(20);
        }
        measured.latencySnapshot();
        long messages = measured.messagesSent() + measured.messagesReceived();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", closed ? "closed-loop" : "open-loop");
        f.put("targetMovesPerSecond", closed ? null : rate);
        f.put("rooms", slots.size());
        f.put("seconds", round(seconds, 3));
        f.put("movesPerSecond", round(measured.movesCompleted() / seconds, 1));
        f.put("messagesPerSecond", round(messages / seconds, 1));
        f.put("deliveriesPerSecond", round(measured.messagesReceived() / seconds, 1));
        LatencySummary latency = LatencySummary.of(measured.cumulativeLatency());
        f.put("latency", latency.figures());
        f.put("errors", measured.errors());
        f.put("sequenceGaps", measured.sequenceGaps());
        f.put("routingCpuSeconds", round(routingCpu / 1e9, 2));
        f.put(
                "routingCpuMicrosPerMessage",
                settings.routingPids().isEmpty() || messages == 0 ? null : round(routingCpu / 1e3 / messages, 3));
        f.put(
                "nodeCpuMicrosPerMessage",
                settings.nodePids().isEmpty() || messages == 0 ? null : round(nodeCpu / 1e3 / messages, 3));
        report.latency(name, latency);
        phaseProblems(name, seating, measured).forEach(report::problem);
        out.printf(
                "bench %s: %s moves/s=%.0f msgs/s=%.0f p50=%.2fms p99=%.2fms p99.9=%.2fms routing-cpu=%sus/msg errors=%s%n",
                settings.name(),
                name,
                measured.movesCompleted() / seconds,
                messages / seconds,
                latency.p50Ms(),
                latency.p99Ms(),
                latency.p999Ms(),
                f.get("routingCpuMicrosPerMessage"),
                measured.errors());
        slots.forEach(Slot::leave);
        Thread.sleep(200);
        return f;
    }

    /**
     * The fan-out room: two players and many spectators on connections of their own, all opened
     * with the room's key, since a proxy that routes connections can put a room's clients together
     * only if they ask for it in the URL. They leave and close after the phase, and the run waits
     * for the target to go quiet: every leave is announced to everyone still there.
     */
    private Map<String, Object> fanout(String tag, int spectators, GameSource games, Report report) throws Exception {
        // A room of its own per phase: the previous one's spectators have left it, and its game ended.
        String key = "fan-" + tag + "-" + spectators;
        int size = spectators + 2;
        try (Connections fanConnections = new Connections(settings.ioThreads(), settings.encoding())) {
            List<Slot.Member> fans = connect(fanConnections, size, i -> key);
            Slot fan = new Slot(
                    key,
                    fans,
                    directory,
                    () -> stats,
                    new GameSource(List.of(new PgnGames.Game("longest", games.longest())), 0),
                    this::requestId);
            Map<String, Object> figures =
                    phase("fanout-" + spectators, List.of(fan), false, settings.fanoutRate(), report);
            // The phase ended with everyone leaving; let those announcements drain before closing.
            awaitQuiet();
            return figures;
        }
    }

    /** Waits (at most 20 s) until no message has arrived for half a second. */
    private void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = stats.messagesReceived();
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(500);
        }
    }

    /**
     * What fails a phase: errors while its rooms were seated and warmed up, errors in its measured
     * window, and a window in which no move completed (its figures would then measure nothing, as
     * when every join of a room was refused).
     */
    static List<String> phaseProblems(String name, RunStats seating, RunStats measured) {
        List<String> problems = new ArrayList<>();
        if (seating.errorCount() > 0) {
            problems.add(name + ": errors while seating and warming up " + seating.errors());
        }
        if (measured.errorCount() > 0) {
            problems.add(name + ": errors " + measured.errors());
        }
        if (measured.movesCompleted() == 0) {
            problems.add(name + ": no move completed in the measured window");
        }
        return problems;
    }

    private static RunStats phaseStats(int rooms, int clients) {
        RunStats s = new RunStats();
        s.carryOver(rooms, clients);
        return s;
    }

    private java.util.concurrent.ScheduledFuture<?> schedulePeriodic(Slot slot, long first, long period) {
        // Each tick carries its own intended time, first + k x period, whenever the pacer gets to run it.
        AtomicLong k = new AtomicLong();
        return pacer.scheduleAtFixedRate(
                () -> slot.tick(first + k.getAndIncrement() * period),
                Math.max(0, first - System.nanoTime()),
                period,
                TimeUnit.NANOSECONDS);
    }

    /**
     * Opens idle connections (handshake done, no room) on a client group of their own, measures
     * what each costs the process(es) that hold them (heap after a full GC, resident memory), then
     * closes them again.
     */
    private Map<String, Object> idle(String tag) throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        List<Long> rssPids = settings.routingPids().isEmpty() ? settings.nodePids() : settings.routingPids();
        heap();
        Thread.sleep(500);
        long heap0 = heap();
        long rss0 = ProcessProbe.rssBytes(rssPids);
        RunStats ignored = new RunStats();
        int n = settings.idleConnections();
        try (Connections idle = new Connections(settings.ioThreads(), settings.encoding())) {
            long start = System.nanoTime();
            idle.openAll(
                    n,
                    i -> settings.target().uriFor("idle-" + tag + "-" + i),
                    i -> new ClientDispatch("idle" + i, new RoomDirectory(), () -> ignored));
            out.printf(
                    "bench %s: %d idle connections opened in %.1fs%n",
                    settings.name(), n, (System.nanoTime() - start) / 1e9);
            Thread.sleep(1000);
            long heap1 = heap();
            long rss1 = ProcessProbe.rssBytes(rssPids);
            f.put("connections", n);
            f.put("heapBytesPerConnection", settings.heapPids().isEmpty() ? null : (heap1 - heap0) / n);
            f.put("rssBytesPerConnection", (rss1 - rss0) / n);
            f.put("heapMeasuredIn", settings.heapPids());
            f.put("rssMeasuredIn", rssPids);
            out.printf(
                    "bench %s: idle heap/conn=%s B rss/conn=%d B%n",
                    settings.name(), f.get("heapBytesPerConnection"), (rss1 - rss0) / n);
        }
        Thread.sleep(1000);
        return f;
    }

    private long heap() throws IOException, InterruptedException {
        long sum = 0;
        for (long pid : settings.heapPids()) {
            sum += ProcessProbe.heapUsedAfterGc(pid);
        }
        return sum;
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000));
        }
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
