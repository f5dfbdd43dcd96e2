package roomgate.loadtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

class BenchCommandTest {
    private static BenchCommand parse(String... extra) {
        String[] base = {"bench", "--name", "roomgate", "--target", "ws://127.0.0.1:1/ws", "--pgn", "games.pgn"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        ParseResult result = Commands.commandLine(new PrintStream(OutputStream.nullOutputStream()))
                .parseArgs(args);
        return (BenchCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void fanOutSpectatorCountsAreOnePhaseEach() {
        assertThat(parse("--fanout-spectators", "500,2000").fanoutSpectators).containsExactly(500, 2000);
        assertThat(parse().fanoutSpectators).as("default").containsExactly(500);
        assertThat(parse("--fanout-spectators", "0").fanoutSpectators).containsExactly(0);
    }
}
