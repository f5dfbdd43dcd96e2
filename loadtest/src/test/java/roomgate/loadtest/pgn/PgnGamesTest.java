package roomgate.loadtest.pgn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgnGamesTest {
    @TempDir
    Path dir;

    @Test
    void sanBecomesUciEmptyGamesAreSkippedAndTheLimitHolds() throws Exception {
        Path file = dir.resolve("g.pgn");
        Files.writeString(file, """
                [White "A"]
                [Black "B"]
                1. e4 e5 2. Nf3 Nc6 3. O-O?? 1-0

                [White "C"]
                [Black "D"]
                *

                [White "E"]
                [Black "F"]
                1. d4 d5 1/2-1/2

                [White "G"]
                [Black "H"]
                1. c4 0-1
                """);

        List<PgnGames.Game> games = PgnGames.read(List.of(file), 2);

        // The first game is cut at its illegal castling (the king's bishop is still home).
        assertThat(games)
                .extracting(PgnGames.Game::uci)
                .containsExactly(List.of("e2e4", "e7e5", "g1f3", "b8c6"), List.of("d2d4", "d7d5"));
        assertThat(games.get(1).name()).contains("E - F");
    }
}
