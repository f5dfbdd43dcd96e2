package roomgate.loadtest;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import roomgate.loadtest.cli.Commands;

/**
 * The load tester's entry point ({@code java -jar roomgate-loadtest.jar COMMAND ...}): {@code play-pgn},
 * {@code replay}, {@code inspect}, {@code bench} and {@code bench-summary}. Exit code 0 when the
 * run passed its checks, 1 when it found problems, 2 for bad arguments.
 */
public final class LoadtestMain {
    private LoadtestMain() {}

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command with its output on {@code out}; what {@link #main} does, minus the exit. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = Commands.commandLine(out);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
