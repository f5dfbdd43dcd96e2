package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SanTest {
    /** Black knights on b8 and f6 can both reach d7 (file disambiguation). */
    private static final String TWO_KNIGHTS = "rnbqkb1r/ppp2ppp/5n2/3pp3/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 3";
    /** White rooks on e1 and e3 can both reach e2 (rank disambiguation). */
    private static final String TWO_ROOKS = "k7/8/8/8/8/4R3/8/4R1K1 w - - 0 1";
    /** Four white queens around b2 (file and rank disambiguation). */
    private static final String FOUR_QUEENS = "4k3/8/8/8/8/Q1Q5/8/Q1Q3K1 w - - 0 1";

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource({
        "'" + Position.START_FEN + "', Nf3, g1f3",
        "'" + Position.START_FEN + "', e4, e2e4",
        "'" + Position.START_FEN + "', e4!?, e2e4",
        "'" + Position.START_FEN + "', Nc3?!, b1c3",
        "'rnbqkbnr/ppp1pppp/8/3p4/4P3/8/PPPP1PPP/RNBQKBNR w KQkq d6 0 2', exd5, e4d5",
        "'r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1', O-O, e1g1",
        "'r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1', O-O-O, e1c1",
        "'r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1', 0-0, e1g1",
        "'r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1', O-O-O+, e8c8",
        "'4k3/P7/8/8/8/8/8/4K3 w - - 0 1', a8=Q+, a7a8q",
        "'4k3/P7/8/8/8/8/8/4K3 w - - 0 1', a8N, a7a8n",
        "'" + TWO_KNIGHTS + "', Nbd7, b8d7",
        "'" + TWO_KNIGHTS + "', Nfd7, f6d7",
        "'" + TWO_ROOKS + "', R1e2, e1e2",
        "'" + TWO_ROOKS + "', R3e2, e3e2",
        "'" + FOUR_QUEENS + "', Qa1b2, a1b2",
        "'" + FOUR_QUEENS + "', Qc3b2, c3b2",
        "'" + TWO_KNIGHTS + "', Nb8d7, b8d7",
        "'" + TWO_KNIGHTS + "', Nxe4, f6e4",
        "'" + TWO_KNIGHTS + "', Ne4, f6e4"
    })
    void sanToUci(String fen, String san, String uci) {
        assertThat(new ChessGame(fen).toUci(san)).isEqualTo(uci);
    }

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource({
        "'" + TWO_KNIGHTS + "', Nbd7",
        "'" + TWO_KNIGHTS + "', Nfd7",
        "'" + TWO_KNIGHTS + "', Nxe4",
        "'" + TWO_ROOKS + "', R1e2",
        "'" + TWO_ROOKS + "', R3e2",
        "'" + TWO_ROOKS + "', Re8+",
        "'" + FOUR_QUEENS + "', Qa1b2",
        "'" + FOUR_QUEENS + "', Qa3b2",
        "'" + FOUR_QUEENS + "', Qc1b2",
        "'" + FOUR_QUEENS + "', Qc3b2",
        "'" + FOUR_QUEENS + "', Qab1",
        "'" + FOUR_QUEENS + "', Q3a2",
        "'rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3', exf6",
        "'rnbqkbnr/pppp1ppp/8/4p3/6P1/5P2/PPPPP2P/RNBQKBNR b KQkq - 0 2', Qh4#",
        "'r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1', O-O-O"
    })
    void sanRoundTrips(String fen, String san) {
        ChessGame game = new ChessGame(fen);
        assertThat(game.toSan(game.toUci(san))).isEqualTo(san);
    }

    @Test
    void everyLegalMoveRoundTripsThroughSan() {
        for (String fen : new String[] {
            TWO_KNIGHTS,
            TWO_ROOKS,
            FOUR_QUEENS,
            Position.START_FEN,
            "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1",
            "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1"
        }) {
            ChessGame game = new ChessGame(fen);
            for (Move move : game.position().legalMoves()) {
                assertThat(game.toUci(game.toSan(move.uci())))
                        .as(fen + " " + move)
                        .isEqualTo(move.uci());
            }
        }
    }

    @Test
    void sanCarriesCheckAndMateMarks() {
        ChessGame game = Games.fromStart("f2f3", "e7e5", "g2g4");
        assertThat(game.toSan("d8h4")).isEqualTo("Qh4#");
        assertThat(game.toSan("f8c5")).isEqualTo("Bc5");
        assertThat(new ChessGame(TWO_ROOKS).toSan("e3e8")).isEqualTo("Re8+");
    }

    @Test
    void ambiguousSanIsRefusedWithTheAlternatives() {
        assertThatThrownBy(() -> new ChessGame(TWO_KNIGHTS).toUci("Nd7"))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL))
                .hasMessageContaining("ambiguous, it could be")
                .hasMessageContaining("Nbd7")
                .hasMessageContaining("Nfd7");
    }

    @Test
    void illegalSanIsRefusedWithTheLegalMoves() {
        assertThatThrownBy(() -> new ChessGame().toUci("Nf6"))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL))
                .hasMessageContaining("not a legal move for white")
                .hasMessageContaining("Nf3");
        assertThatThrownBy(() -> new ChessGame().toUci("O-O"))
                .hasMessageContaining("castling kingside is not legal for white");
    }

    @Test
    void malformedSanIsRefused() {
        for (String bad : new String[] {"", "Zf3", "N", "e9", "ee", "Nf3xx"}) {
            assertThatThrownBy(() -> new ChessGame().toUci(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            IllegalMoveException.class,
                            e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.MALFORMED));
        }
    }

    @Test
    void toSanRefusesIllegalUci() {
        assertThatThrownBy(() -> new ChessGame().toSan("e2e5"))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL));
    }
}
