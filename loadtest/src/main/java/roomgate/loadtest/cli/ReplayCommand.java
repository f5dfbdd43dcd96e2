package roomgate.loadtest.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import roomgate.loadtest.net.Target;
import roomgate.loadtest.replay.RecordedTraffic;
import roomgate.loadtest.replay.Replay;
import roomgate.loadtest.report.Report;

/** {@code replay}: replays gateway recordings as N copies and checks each copy ends as the recorded room did. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Replay recorded rooms as N independent copies with the recorded timing scaled by the speed.")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    Commands parent;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Parameters(
            arity = "1..*",
            paramLabel = "FILE",
            description = "recording files (--record-file of one or more gateways)")
    List<Path> files;

    @Option(
            names = "--copies",
            defaultValue = "1",
            description = "copies of every recorded room (default: ${DEFAULT-VALUE})")
    int copies;

    @Option(
            names = "--speed",
            defaultValue = "1.0",
            description = "time factor: 2 replays twice as fast (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(
            names = "--settle-seconds",
            defaultValue = "5",
            description = "after the last send, wait at most this long for moves in flight (default: ${DEFAULT-VALUE})")
    int settleSeconds;

    @Option(
            names = "--causal-wait-ms",
            defaultValue = "10000",
            description =
                    "a request waits at most this long for the answer to its room's previous request; 0: send strictly on time (default: ${DEFAULT-VALUE})")
    long causalWaitMs;

    @Option(names = "--room-prefix", description = "copy k of room R is PREFIX.k.R (default: rp-RANDOM)")
    String roomPrefix;

    @Override
    public Integer call() throws Exception {
        if (copies < 1 || !(speed > 0) || settleSeconds < 0 || causalWaitMs < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--copies must be >= 1, --speed > 0, --settle-seconds and --causal-wait-ms >= 0");
        }
        Target target = common.target();
        RecordedTraffic traffic = RecordedTraffic.read(files);
        String prefix = roomPrefix != null
                ? roomPrefix
                : "rp-" + UUID.randomUUID().toString().substring(0, 6);
        Replay replay = new Replay(
                new Replay.Settings(
                        traffic,
                        copies,
                        speed,
                        target,
                        common.encoding,
                        prefix,
                        Duration.ofSeconds(settleSeconds),
                        Duration.ofSeconds(common.timeoutSeconds),
                        common.ioThreads,
                        Duration.ofMillis(causalWaitMs)),
                parent.out);
        Report report = replay.run();
        return Reports.finish(report, common.reportBase("replay"), parent.out);
    }
}
