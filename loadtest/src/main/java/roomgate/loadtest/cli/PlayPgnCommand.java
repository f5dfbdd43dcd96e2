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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import roomgate.loadtest.net.Target;
import roomgate.loadtest.pgn.PgnGames;
import roomgate.loadtest.pgn.PgnPlay;
import roomgate.loadtest.report.Report;

/** {@code play-pgn}: plays real games from PGN files, a room per game, and checks every participant saw every move. */
@Command(
        name = "play-pgn",
        mixinStandardHelpOptions = true,
        description = "Play games from PGN files: each game a room with two players and S spectators.")
final class PlayPgnCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    Commands parent;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "PGN files (or --from-archive)")
    List<Path> files;

    @Option(names = "--spectators", defaultValue = "2", description = "spectators per room (default: ${DEFAULT-VALUE})")
    int spectators;

    @Option(
            names = "--pace",
            defaultValue = "100",
            paramLabel = "MS",
            description =
                    "ply i of every game is due i x MS after the start; 0: move as soon as the previous move is seen (default: ${DEFAULT-VALUE})")
    long paceMs;

    @Option(names = "--games", defaultValue = "2147483647", description = "play at most N games (default: all)")
    int games;

    @Option(
            names = "--from-archive",
            paramLabel = "URL",
            description = "take the games from a gateway's archive: http://HOST:PORT/games?participant=ID&limit=N"
                    + " or http://HOST:PORT/games/ROOM_ID")
    java.net.URI fromArchive;

    @Option(names = "--room-prefix", description = "room IDs are PREFIX-N (default: pgn-RANDOM)")
    String roomPrefix;

    @Override
    public Integer call() throws Exception {
        if (spectators < 0 || paceMs < 0 || games < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--spectators and --pace must be >= 0, --games >= 1");
        }
        Target target = common.target();
        if ((files == null || files.isEmpty()) == (fromArchive == null)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "give PGN files or --from-archive URL (one of them)");
        }
        List<PgnGames.Game> list =
                fromArchive != null ? PgnGames.fromArchive(fromArchive, games) : PgnGames.read(files, games);
        String prefix = roomPrefix != null
                ? roomPrefix
                : "pgn-" + UUID.randomUUID().toString().substring(0, 8);
        PgnPlay play = new PgnPlay(
                new PgnPlay.Settings(
                        list,
                        spectators,
                        Duration.ofMillis(paceMs),
                        target,
                        common.encoding,
                        prefix,
                        Duration.ofSeconds(common.timeoutSeconds),
                        common.ioThreads),
                parent.out);
        Report report = play.run();
        return Reports.finish(report, common.reportBase("play-pgn"), parent.out);
    }
}
