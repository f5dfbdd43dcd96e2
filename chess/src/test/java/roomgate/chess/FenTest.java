package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FenTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                Position.START_FEN,
                "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
                "rnbqkbnr/ppp1pppp/8/3p4/4P3/8/PPPP1PPP/RNBQKBNR w KQkq d6 0 2",
                "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8",
                "8/8/8/8/8/8/8/k6K b - - 57 130"
            })
    void roundTrips(String fen) {
        assertThat(Position.fromFen(fen).toFen()).isEqualTo(fen);
    }

    @Test
    void startPositionBasics() {
        Position p = Position.start();
        assertThat(p.sideToMove()).isEqualTo(Color.WHITE);
        assertThat(p.inCheck()).isFalse();
        assertThat(p.legalMoves()).hasSize(20);
        assertThat(p.halfmoveClock()).isZero();
        assertThat(p.fullmoveNumber()).isEqualTo(1);
    }

    @Test
    void moveCountersMayBeOmitted() {
        assertThat(Position.fromFen("4k3/8/8/8/8/8/8/4K3 b - -").toFen()).isEqualTo("4k3/8/8/8/8/8/8/4K3 b - - 0 1");
    }

    @Test
    void positionIsImmutableWhenMovesArePlayed() {
        Position start = Position.start();
        Position after = start.after(Move.of("e2", "e4"));
        assertThat(start.toFen()).isEqualTo(Position.START_FEN);
        assertThat(after.toFen()).isEqualTo("rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1");
        assertThat(after.sideToMove()).isEqualTo(Color.BLACK);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq| expected 6 space-separated fields",
                "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w KQkq - 0 1| must have 8 ranks",
                "rnbqkbnr/pppppppp/9/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1| unexpected character '9' in rank 6",
                "rnbqkbnr/pppppppp/7/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1| rank 6 ('7') describes 7 squares",
                "rnbqkbnr/ppppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1| describes more than 8 squares",
                "rnbq1bnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQ - 0 1| black must have exactly one king, found 0",
                "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR x KQkq - 0 1| side to move must be 'w' or 'b'",
                "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkX - 0 1| may only contain K, Q, k, q",
                "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e3 0 1| en passant square e3 is impossible",
                "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - -1 1| halfmove clock must be at least 0",
                "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 x| fullmove number must be an integer",
                "4k2P/8/8/8/8/8/8/4K3 w - - 0 1| pawn on h8",
                "4k3/8/8/8/8/8/8/4K2r b - - 0 1| the side not to move (white) is in check"
            })
    void rejectsInvalidFenNamingTheProblem(String fen, String problem) {
        assertThatThrownBy(() -> Position.fromFen(fen))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid FEN '" + fen + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void rejectsNullFen() {
        assertThatThrownBy(() -> Position.fromFen(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChessGame(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
