package roomgate.loadtest.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import roomgate.loadtest.replay.ChessOutcome;
import roomgate.loadtest.replay.ExpectedOutcomes;
import roomgate.loadtest.replay.RecordedTraffic;

/** {@code inspect}: what a recording holds — headers, counts, rooms and the chess outcome a replay will expect. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Summarize recording files: headers, entries by type, rooms, clients, expected chess outcomes.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    Commands parent;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "recording files")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        PrintStream out = parent.out;
        RecordedTraffic traffic = RecordedTraffic.read(files);
        for (int i = 0; i < files.size(); i++) {
            var h = traffic.headers().get(i);
            out.printf(
                    "%s: %s v%d, gateway %s, started %d (unix ms), rooms %s%n",
                    files.get(i),
                    h.getFormat(),
                    h.getVersion(),
                    h.getGatewayId(),
                    h.getStartedAtUnixMs(),
                    h.getRoomPattern());
        }
        Map<String, Integer> byType = new TreeMap<>();
        for (RecordedTraffic.Entry e : traffic.entries()) {
            String type = e.record().hasSessionEnded()
                    ? "session_ended"
                    : e.record().getMessage().getBodyCase().name();
            byType.merge(type, 1, Integer::sum);
        }
        out.printf("%d entries over %.3fs: %s%n", traffic.entries().size(), traffic.durationMicros() / 1e6, byType);
        out.printf(
                "%d clients, %d rooms%n",
                traffic.byClient().size(), traffic.rooms().size());
        traffic.warnings().forEach(w -> out.println("warning: " + w));
        for (Map.Entry<String, ChessOutcome> e :
                ExpectedOutcomes.derive(traffic).entrySet()) {
            ChessOutcome o = e.getValue();
            out.printf(
                    "  %s: %d moves, %s, winner %s, %s%n",
                    e.getKey(), o.uciMoves().size(), o.status(), o.winner(), o.fen());
        }
        return 0;
    }
}
