package roomgate.loadtest.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The command tree of the load tester, for {@link roomgate.loadtest.LoadtestMain}. */
@Command(
        name = "roomgate-loadtest",
        mixinStandardHelpOptions = true,
        description = "Load tester for roomgate: plays PGN games, replays recordings, benchmarks targets.",
        subcommands = {
            PlayPgnCommand.class,
            ReplayCommand.class,
            InspectCommand.class,
            BenchCommand.class,
            BenchSummaryCommand.class
        })
public final class Commands implements Runnable {
    @picocli.CommandLine.Spec
    CommandSpec spec;

    /** Where progress lines and summaries go: the stream given to {@link roomgate.loadtest.LoadtestMain#run}. */
    final PrintStream out;

    private Commands(PrintStream out) {
        this.out = out;
    }

    public static CommandLine commandLine(PrintStream out) {
        return new CommandLine(new Commands(out));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }
}
