package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static roomgate.chess.Games.fromStart;
import static roomgate.chess.Games.isLegal;

import org.junit.jupiter.api.Test;

class EnPassantTest {

    @Test
    void capturesEnPassantRightAfterTheDoublePush() {
        ChessGame game = fromStart("e2e4", "a7a6", "e4e5", "d7d5");
        assertThat(game.fen()).isEqualTo("rnbqkbnr/1pp1pppp/p7/3pP3/8/8/PPPP1PPP/RNBQKBNR w KQkq d6 0 3");
        assertThat(isLegal(game, "e5d6")).isTrue();
        PlayedMove ep = game.play("e5d6");
        assertThat(ep.san()).isEqualTo("exd6");
        assertThat(ep.fenAfter()).isEqualTo("rnbqkbnr/1pp1pppp/p2P4/8/8/8/PPPP1PPP/RNBQKBNR b KQkq - 0 3");
    }

    @Test
    void enPassantIsGoneOneMoveLater() {
        ChessGame game = fromStart("e2e4", "a7a6", "e4e5", "d7d5", "b1c3", "a6a5");
        assertThat(isLegal(game, "e5d6")).isFalse();
        assertThatThrownBy(() -> game.play("e5d6"))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL))
                .hasMessageContaining("pawn on e5 cannot reach d6");
    }

    @Test
    void enPassantThatExposesTheKingAlongTheRankIsIllegal() {
        // Both pawns leave rank 5 at once, opening it between the white king and the black rook.
        ChessGame game = new ChessGame("8/8/8/KPp4r/8/8/8/7k w - c6 0 1");
        assertThat(isLegal(game, "b5c6")).isFalse();
        assertThat(isLegal(game, "b5b6")).isTrue();
        assertThatThrownBy(() -> game.play("b5c6")).hasMessageContaining("leave the white king in check");
    }

    @Test
    void enPassantThatRemovesTheCheckingPawnIsLegal() {
        ChessGame game = new ChessGame("8/8/8/2k5/3Pp3/8/8/4K3 b - d3 0 1");
        assertThat(game.position().inCheck()).isTrue();
        assertThat(isLegal(game, "e4d3")).isTrue();
    }
}
