package roomgate.loadtest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import roomgate.loadtest.bench.BenchSummary;

/** {@code bench-summary}: medians with min-max, ratios and goal verdicts over the results of bench passes. */
@Command(
        name = "bench-summary",
        mixinStandardHelpOptions = true,
        description = "Compare bench results (JSON files of bench runs): medians, min-max, ratios, goals.")
final class BenchSummaryCommand implements Callable<Integer> {
    @ParentCommand
    Commands parent;

    @Parameters(arity = "1..*", paramLabel = "RESULT", description = "bench report JSON files")
    List<Path> results;

    @Option(names = "--out", paramLabel = "BASE", description = "write BASE.md and BASE.json")
    Path out;

    @Override
    public Integer call() throws Exception {
        BenchSummary summary = BenchSummary.of(results);
        String md = summary.markdown();
        parent.out.println(md);
        if (out != null) {
            Files.writeString(Path.of(out + ".md"), md);
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(Path.of(out + ".json").toFile(), summary.toMap());
        }
        return 0;
    }
}
