package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Perft node counts for the standard test positions (chessprogramming.org "Perft Results").
 * Positions 4 and 6 use the published FENs; copies that drop the knights on h6/a5 (position 4)
 * or the bishop on g4 (position 6) are different positions with different counts.
 */
class PerftTest {

    static Stream<Arguments> positions() {
        return Stream.of(
                Arguments.of("start", Position.START_FEN, new long[] {20, 400, 8902, 197281, 4865609}),
                Arguments.of(
                        "kiwipete",
                        "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
                        new long[] {48, 2039, 97862, 4085603}),
                Arguments.of("position 3", "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1", new long[] {
                    14, 191, 2812, 43238, 674624
                }),
                Arguments.of(
                        "position 4",
                        "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1",
                        new long[] {6, 264, 9467, 422333}),
                Arguments.of("position 5", "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8", new long[] {
                    44, 1486, 62379, 2103487
                }),
                Arguments.of(
                        "position 6",
                        "r4rk1/1pp1qppp/p1np1n2/2b1p1B1/2B1P1b1/P1NP1N2/1PP1QPPP/R4RK1 w - - 0 10",
                        new long[] {46, 2079, 89890, 3894594}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positions")
    void perftMatchesReferenceCounts(String name, String fen, long[] expected) {
        Position position = Position.fromFen(fen);
        for (int depth = 1; depth <= expected.length; depth++) {
            assertThat(position.perft(depth)).as("%s perft(%d)", name, depth).isEqualTo(expected[depth - 1]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positions")
    void perftLeavesPositionUnchanged(String name, String fen, long[] expected) {
        Position position = Position.fromFen(fen);
        position.perft(3);
        assertThat(position.toFen()).isEqualTo(Position.fromFen(fen).toFen());
        assertThat(position.perft(1)).isEqualTo(expected[0]);
    }
}
