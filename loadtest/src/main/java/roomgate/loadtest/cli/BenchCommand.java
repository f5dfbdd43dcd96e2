package roomgate.loadtest.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import roomgate.loadtest.bench.BenchRun;
import roomgate.loadtest.net.Target;
import roomgate.loadtest.pgn.PgnGames;
import roomgate.loadtest.report.Report;

/** {@code bench}: one benchmark pass against one target (bench/run.sh runs it per target and round). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark one target: open-loop rates, closed loop, a fan-out room, idle connections.")
final class BenchCommand implements Callable<Integer> {
    /** Shorter games would make rooms rotate (everyone re-joins) inside a measured window. */
    private static final int MIN_PLIES = 40;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Commands parent;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(
            names = "--name",
            required = true,
            description = "what the target is, for the report (direct, roomgate, nginx)")
    String name;

    @Option(
            names = "--pgn",
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description = "PGN files with the games to play")
    List<Path> pgn;

    @Option(names = "--rooms", defaultValue = "300", description = "rooms (default: ${DEFAULT-VALUE})")
    int rooms;

    @Option(
            names = "--clients",
            defaultValue = "1000",
            description = "connections: 2 players per room, the rest spectators (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(
            names = "--rates",
            split = ",",
            defaultValue = "250,500,1000",
            description = "open-loop moves/s, one phase each (default: ${DEFAULT-VALUE})")
    List<Integer> rates;

    @Option(
            names = "--closed-loop",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "run the closed-loop saturation phase (default: ${DEFAULT-VALUE})")
    boolean closedLoop;

    @Option(names = "--warmup-seconds", defaultValue = "2")
    int warmupSeconds;

    @Option(
            names = "--window-seconds",
            defaultValue = "8",
            description = "measured seconds per phase (default: ${DEFAULT-VALUE})")
    int windowSeconds;

    @Option(
            names = "--fanout-spectators",
            split = ",",
            defaultValue = "500",
            description = "spectators of the fan-out room, one phase each (e.g. 500,2000); 0: no such phase"
                    + " (default: ${DEFAULT-VALUE})")
    List<Integer> fanoutSpectators;

    @Option(
            names = "--fanout-rate",
            defaultValue = "15",
            description = "moves/s in the fan-out room (default: ${DEFAULT-VALUE})")
    int fanoutRate;

    @Option(
            names = "--idle-connections",
            defaultValue = "0",
            description = "idle connections to open for memory per connection (default: ${DEFAULT-VALUE})")
    int idleConnections;

    @Option(
            names = "--routing-pids",
            split = ",",
            description = "pids of the routing process(es): gateway, or nginx master and workers")
    List<Long> routingPids = new ArrayList<>();

    @Option(
            names = "--heap-pids",
            split = ",",
            description = "JVM pids whose heap after GC is measured for idle connections")
    List<Long> heapPids = new ArrayList<>();

    @Option(names = "--node-pids", split = ",", description = "game node pids, for node CPU per message")
    List<Long> nodePids = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (rooms < 1
                || clients < 2 * rooms
                || warmupSeconds < 0
                || windowSeconds < 1
                || rates.stream().anyMatch(r -> r < 1)
                || fanoutSpectators.stream().anyMatch(n -> n < 0)
                || fanoutRate < 1
                || idleConnections < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "need --rooms >= 1, --clients >= 2 x rooms, --window-seconds >= 1, "
                            + "positive rates, non-negative counts");
        }
        Target target = common.target();
        List<PgnGames.Game> games = PgnGames.read(pgn, Integer.MAX_VALUE).stream()
                .filter(g -> g.uci().size() >= MIN_PLIES)
                .toList();
        int longest = games.stream().mapToInt(g -> g.uci().size()).max().orElse(0);
        // The fan-out room plays one game through the whole phase: a new game would re-seat every spectator.
        int fanRate = Math.max(1, Math.min(fanoutRate, longest / (warmupSeconds + windowSeconds + 1)));
        if (fanRate != fanoutRate && fanoutSpectators.stream().anyMatch(n -> n > 0)) {
            parent.out.printf(
                    "bench: fan-out rate capped at %d moves/s so its %d-ply game lasts the phase%n", fanRate, longest);
        }
        BenchRun run = new BenchRun(
                new BenchRun.Settings(
                        name,
                        target,
                        common.encoding,
                        common.ioThreads,
                        rooms,
                        clients,
                        rates,
                        Duration.ofSeconds(warmupSeconds),
                        Duration.ofSeconds(windowSeconds),
                        closedLoop,
                        fanoutSpectators,
                        fanRate,
                        idleConnections,
                        routingPids,
                        heapPids,
                        nodePids,
                        games),
                parent.out);
        Report report = run.run();
        return Reports.finish(report, common.reportBase("bench-" + name), parent.out);
    }
}
