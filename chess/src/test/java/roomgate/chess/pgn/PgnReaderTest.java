package roomgate.chess.pgn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgnReaderTest {
    private static final String TWO_GAMES = String.join(
            "\n",
            "% escape line: ignored [Event \"not a tag\"]",
            "[Event \"Casual \\\"blitz\\\"\"]",
            "[White \"A\"]",
            "[Black \"B\"]",
            "[Result \"1-0\"]",
            "",
            "{Opening comment} 1. e4 $1 e5!? 2.Nf3 {a comment with ( and ; inside} Nc6",
            "(2... d6 {Philidor} (2... f5 3. exf5) 3. d4) 3. Bb5 a6? ; line comment 4. Qxf7#",
            "4. Ba4!! Nf6 5. O-O 5... Be7 6.Re1 b5 7.Bb3 d6 8.c3 O-O 9.h3 Nb8 10.d4 Nbd7 11.c4 c6",
            "12.cxb5 axb5 13.Nc3 Bb7 14.Bg5 b4 15.Nb1 h6 16.Bh4 c5 17.dxe5 Nxe4 18.Bxe7 Qxe7",
            "19.exd6 Qf6 20.Nbd2 Nxd6 21.Nc4 Nxc4 22.Bxc4 Nb6 23.Ne5 Rae8 24.Bxf7+ Rxf7",
            "25.Nxf7 Rxe1+ 26.Qxe1 Kxf7 27.Qe3 Qg5 28.Qxg5 hxg5 29.b3 Ke6 30.a3 Kd6 31.axb4 cxb4",
            "32.Ra5 Nd5 33.f3 Bc8 34.Kf2 Bf5 35.Ra7 g6 36.Ra6+ Kc5 37.Ke1 Nf4 38.g3 Nxh3 39.Kd2",
            "Kb5 40.Rd6 Kc5 41.Ra6 Nf2 42.g4 Bd3 43.Re6 1-0",
            "",
            "[Event \"Second\"]",
            "[Result \"1/2-1/2\"]",
            "",
            "1. d4 d5 2. c4 1/2-1/2",
            "");

    @Test
    void readsTagsMovesAndResultSkippingCommentsVariationsAndNags() throws IOException {
        List<PgnGame> games = PgnReader.readAll(new StringReader(TWO_GAMES));
        assertThat(games).hasSize(2);
        PgnGame first = games.get(0);
        assertThat(first.tags()).containsEntry("Event", "Casual \"blitz\"").containsEntry("White", "A");
        assertThat(first.tags().keySet()).containsExactly("Event", "White", "Black", "Result");
        assertThat(first.sanMoves()).startsWith("e4", "e5", "Nf3", "Nc6", "Bb5", "a6", "Ba4", "Nf6", "O-O", "Be7");
        assertThat(first.sanMoves()).doesNotContain("d6 {Philidor}", "f5", "Qxf7#", "$1");
        assertThat(first.sanMoves()).contains("Bxf7+", "Rxe1+");
        assertThat(first.sanMoves()).hasSize(85);
        assertThat(first.sanMoves().get(84)).isEqualTo("Re6");
        assertThat(first.result()).isEqualTo("1-0");
        PgnGame second = games.get(1);
        assertThat(second.tag("Event")).isEqualTo("Second");
        assertThat(second.sanMoves()).containsExactly("d4", "d5", "c4");
        assertThat(second.result()).isEqualTo("1/2-1/2");
    }

    @Test
    void crlfAndLfReadTheSame() throws IOException {
        List<PgnGame> lf = PgnReader.readAll(new StringReader(TWO_GAMES));
        List<PgnGame> crlf = PgnReader.readAll(new StringReader(TWO_GAMES.replace("\n", "\r\n")));
        assertThat(crlf).isEqualTo(lf);
    }

    @Test
    void readsEveryResultToken() throws IOException {
        String pgn = "1. e4 1-0\n\n1. d4 0-1\n1. c4 1/2-1/2 1. Nf3 *\n";
        List<PgnGame> games = PgnReader.readAll(new StringReader(pgn));
        assertThat(games).extracting(PgnGame::result).containsExactly("1-0", "0-1", "1/2-1/2", "*");
        assertThat(games).extracting(g -> g.sanMoves().get(0)).containsExactly("e4", "d4", "c4", "Nf3");
    }

    @Test
    void gameWithoutResultTokenTakesTheResultTag() throws IOException {
        String pgn = "[Result \"0-1\"]\n1. e4 e5\n[Event \"next\"]\n1. d4\n";
        List<PgnGame> games = PgnReader.readAll(new StringReader(pgn));
        assertThat(games).hasSize(2);
        assertThat(games.get(0).result()).isEqualTo("0-1");
        assertThat(games.get(0).sanMoves()).containsExactly("e4", "e5");
        assertThat(games.get(1).result()).isEqualTo("*");
    }

    @Test
    void moveNumbersGluedToMovesAndBlackMoveNumbers() throws IOException {
        List<PgnGame> games = PgnReader.readAll(new StringReader("12...Nf6 13.e5 13... Nd5 14. exd6 e.p. c4!? *"));
        assertThat(games.get(0).sanMoves()).containsExactly("Nf6", "e5", "Nd5", "exd6", "c4");
    }

    @Test
    void brokenTextIsReportedWithItsLine() {
        assertThatThrownBy(() -> PgnReader.readAll(new StringReader("[Event \"x\"]\n1. e4 {never closed")))
                .isInstanceOf(PgnFormatException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> PgnReader.readAll(new StringReader("1. e4 (1. d4 *")))
                .isInstanceOf(PgnFormatException.class)
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> PgnReader.readAll(new StringReader("[Event x]\n*")))
                .isInstanceOf(PgnFormatException.class)
                .hasMessageContaining("quoted value");
    }

    @Test
    void readsFromAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("g.pgn");
        Files.writeString(file, "\uFEFF[Event \"Wijk aan Zee\"]\r\n\r\n1. e4 c5 0-1\r\n");
        List<PgnGame> games = PgnReader.readAll(file);
        assertThat(games).singleElement().satisfies(g -> {
            assertThat(g.tag("Event")).isEqualTo("Wijk aan Zee");
            assertThat(g.sanMoves()).containsExactly("e4", "c5");
            assertThat(g.result()).isEqualTo("0-1");
        });
    }

    @Test
    void emptyInputHasNoGames() throws IOException {
        assertThat(PgnReader.readAll(new StringReader(" \n\r\n {only a comment}\n")))
                .isEmpty();
    }
}
