package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromotionTest {
    private static final String PAWN_ON_E7 = "3r4/4P3/8/8/8/8/k7/4K3 w - - 0 1";

    @ParameterizedTest
    @CsvSource({
        "e7e8q, e8=Q, 3rQ3/8/8/8/8/8/k7/4K3 b - - 0 1",
        "e7e8r, e8=R, 3rR3/8/8/8/8/8/k7/4K3 b - - 0 1",
        "e7e8b, e8=B, 3rB3/8/8/8/8/8/k7/4K3 b - - 0 1",
        "e7e8n, e8=N, 3rN3/8/8/8/8/8/k7/4K3 b - - 0 1",
        "e7d8q, exd8=Q, 3Q4/8/8/8/8/8/k7/4K3 b - - 0 1",
        "e7d8n, exd8=N, 3N4/8/8/8/8/8/k7/4K3 b - - 0 1"
    })
    void promotesToTheRequestedPiece(String uci, String san, String fenAfter) {
        ChessGame game = new ChessGame(PAWN_ON_E7);
        PlayedMove played = game.play(uci);
        assertThat(played.san()).isEqualTo(san);
        assertThat(played.fenAfter()).isEqualTo(fenAfter);
        assertThat(new ChessGame(PAWN_ON_E7).toUci(san)).isEqualTo(uci);
    }

    @Test
    void offersFourPromotionsPerTargetSquare() {
        Position p = Position.fromFen(PAWN_ON_E7);
        assertThat(p.legalMoves())
                .filteredOn(m -> m.from().equals("e7"))
                .extracting(Move::uci)
                .containsExactlyInAnyOrder("e7e8q", "e7e8r", "e7e8b", "e7e8n", "e7d8q", "e7d8r", "e7d8b", "e7d8n");
    }

    @Test
    void blackPromotesDownwardAndCanGiveCheck() {
        PlayedMove played = new ChessGame("4k3/8/8/8/8/8/p7/4K3 b - - 0 1").play("a2a1r");
        assertThat(played.fenAfter()).isEqualTo("4k3/8/8/8/8/8/8/r3K3 w - - 0 2");
        assertThat(played.san()).isEqualTo("a1=R+");
    }

    @Test
    void pawnReachingTheLastRankWithoutSuffixIsIllegalAndSaysWhatToSend() {
        ChessGame game = new ChessGame(PAWN_ON_E7);
        assertThatThrownBy(() -> game.play("e7e8"))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL))
                .hasMessageContaining("must promote")
                .hasMessageContaining("e7e8q, e7e8r, e7e8b or e7e8n");
        assertThatThrownBy(() -> game.toUci("e8")).hasMessageContaining("must promote");
    }

    @Test
    void promotionSuffixOnAnOrdinaryMoveIsIllegal() {
        ChessGame game = new ChessGame(PAWN_ON_E7);
        assertThatThrownBy(() -> game.play("e1e2q"))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL))
                .hasMessageContaining("only a pawn moving to the last rank can promote");
    }
}
