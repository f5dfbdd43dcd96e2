package roomgate.chess.pgn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgnWriterTest {

    @Test
    void writesTheSevenTagRosterFirstInOrderWithDefaults() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("Termination", "normal");
        tags.put("Black", "bob");
        tags.put("White", "alice");
        tags.put("Event", "roomgate room r1");
        String pgn = PgnWriter.write(tags, List.of("e4", "e5", "Qh5", "Nc6", "Bc4", "Nf6", "Qxf7#"), null, "1-0");
        List<String> lines = pgn.lines().toList();
        assertThat(lines.subList(0, 8))
                .containsExactly(
                        "[Event \"roomgate room r1\"]",
                        "[Site \"?\"]",
                        "[Date \"????.??.??\"]",
                        "[Round \"?\"]",
                        "[White \"alice\"]",
                        "[Black \"bob\"]",
                        "[Result \"1-0\"]",
                        "[Termination \"normal\"]");
        assertThat(lines.get(8)).isEmpty();
        assertThat(lines.get(9)).isEqualTo("1. e4 e5 2. Qh5 Nc6 3. Bc4 Nf6 4. Qxf7# 1-0");
        assertThatThrownBy(() -> PgnWriter.write(tags, List.of(), null, "2-0"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void realGamesWithCommentsReadBackMoveForMove() throws IOException {
        Path file = Path.of("../data/pgn/WorldChamp1886.pgn");
        for (PgnGame game : PgnReader.readAll(file)) {
            List<String> comments = new ArrayList<>();
            for (int i = 0; i < game.sanMoves().size(); i++) {
                comments.add("[%ts 2026-12-07T19:" + (i % 60) + ":00.000Z] a \"quoted\" } brace");
            }
            String pgn = PgnWriter.write(game.tags(), game.sanMoves(), comments, game.result());
            assertThat(pgn.lines()).allMatch(line -> line.length() < 80 || line.startsWith("["));
            PgnGame back = new PgnReader(new StringReader(pgn)).next();
            assertThat(back.sanMoves()).isEqualTo(game.sanMoves());
            assertThat(back.result()).isEqualTo(game.result());
            assertThat(back.tags()).containsAllEntriesOf(game.tags());
            assertThat(List.copyOf(back.tags().keySet()).subList(0, 7)).isEqualTo(PgnWriter.SEVEN_TAG_ROSTER);
        }
    }
}
