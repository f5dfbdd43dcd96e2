package roomgate.loadtest;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import roomgate.chess.pgn.PgnFormatException;
import roomgate.loadtest.cli.Commands;
import roomgate.recording.RecordingFormatException;

/**
 * The load tester's entry point ({@code java -jar roomgate-loadtest.jar COMMAND ...}): {@code play-pgn},
 * {@code replay}, {@code inspect}, {@code bench} and {@code bench-summary}. Exit code 0 when the
 * run passed its checks, 1 when it found problems (or failed), 2 for bad arguments or input files.
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
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            // Input the user can fix gets one line that says what is wrong; anything else is a bug, with its trace.
            boolean userError = e instanceof RecordingFormatException
                    || e instanceof IllegalArgumentException
                    || e instanceof NoSuchFileException
                    || e instanceof PgnFormatException;
            err.println("roomgate-loadtest " + command.getCommandName() + ": "
                    + (e instanceof NoSuchFileException ? "no such file: " : "") + e.getMessage());
            if (!userError) {
                e.printStackTrace(err);
            }
            return userError ? 2 : 1;
        });
        return cli.execute(args);
    }
}
