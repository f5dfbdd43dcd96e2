package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static roomgate.chess.Games.isLegal;
import static roomgate.chess.Games.play;

import org.junit.jupiter.api.Test;

class CastlingTest {
    private static final String BOTH_SIDES_READY = "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1";

    @Test
    void castlesBothWaysWhenAllConditionsHold() {
        ChessGame game = new ChessGame(BOTH_SIDES_READY);
        assertThat(isLegal(game, "e1g1")).isTrue();
        assertThat(isLegal(game, "e1c1")).isTrue();
        PlayedMove kingside = game.play("e1g1");
        assertThat(kingside.san()).isEqualTo("O-O");
        assertThat(kingside.fenAfter()).isEqualTo("r3k2r/8/8/8/8/8/8/R4RK1 b kq - 1 1");
        PlayedMove queenside = game.play("e8c8");
        assertThat(queenside.san()).isEqualTo("O-O-O");
        assertThat(queenside.fenAfter()).isEqualTo("2kr3r/8/8/8/8/8/8/R4RK1 w - - 2 2");
    }

    @Test
    void cannotCastleThroughAnAttackedSquare() {
        ChessGame game = new ChessGame("4kr2/8/8/8/8/8/8/R3K2R w KQ - 0 1");
        assertThat(isLegal(game, "e1g1")).isFalse();
        assertThat(isLegal(game, "e1c1")).isTrue();
        assertThatThrownBy(() -> game.play("e1g1"))
                .isInstanceOf(IllegalMoveException.class)
                .hasMessageContaining("pass through f1");
        assertThat(isLegal(new ChessGame("3rk3/8/8/8/8/8/8/R3K2R w KQ - 0 1"), "e1c1"))
                .isFalse();
    }

    @Test
    void queensideRookMayCrossAnAttackedSquareTheKingDoesNot() {
        ChessGame game = new ChessGame("1r2k3/8/8/8/8/8/8/R3K2R w KQ - 0 1");
        assertThat(isLegal(game, "e1c1")).isTrue();
    }

    @Test
    void cannotCastleOutOfCheck() {
        ChessGame game = new ChessGame("4r1k1/8/8/8/8/8/8/R3K2R w KQ - 0 1");
        assertThat(game.position().inCheck()).isTrue();
        assertThat(isLegal(game, "e1g1")).isFalse();
        assertThat(isLegal(game, "e1c1")).isFalse();
        assertThatThrownBy(() -> game.play("e1c1")).hasMessageContaining("in check");
    }

    @Test
    void cannotCastleIntoCheck() {
        ChessGame game = new ChessGame("6r1/4k3/8/8/8/8/8/R3K2R w KQ - 0 1");
        assertThat(isLegal(game, "e1g1")).isFalse();
        assertThat(isLegal(game, "e1c1")).isTrue();
        assertThatThrownBy(() -> game.play("e1g1")).hasMessageContaining("land on g1");
    }

    @Test
    void cannotCastleWhenASquareBetweenIsOccupied() {
        ChessGame kingsideBlocked = new ChessGame("4k3/8/8/8/8/8/8/R3KB1R w KQ - 0 1");
        assertThat(isLegal(kingsideBlocked, "e1g1")).isFalse();
        assertThat(isLegal(kingsideBlocked, "e1c1")).isTrue();
        ChessGame queensideBlockedOnB1 = new ChessGame("4k3/8/8/8/8/8/8/RN2K2R w KQ - 0 1");
        assertThat(isLegal(queensideBlockedOnB1, "e1c1")).isFalse();
        assertThat(isLegal(queensideBlockedOnB1, "e1g1")).isTrue();
        assertThatThrownBy(() -> queensideBlockedOnB1.play("e1c1")).hasMessageContaining("b1 is occupied");
    }

    @Test
    void kingMoveLosesBothRightsEvenAfterReturning() {
        ChessGame game = play(BOTH_SIDES_READY, "e1f1", "e8d8", "f1e1", "d8e8");
        assertThat(game.fen()).isEqualTo("r3k2r/8/8/8/8/8/8/R3K2R w - - 4 3");
        assertThat(isLegal(game, "e1g1")).isFalse();
        assertThat(isLegal(game, "e1c1")).isFalse();
        assertThatThrownBy(() -> game.play("e1g1")).hasMessageContaining("no longer castle kingside");
    }

    @Test
    void rookMoveLosesOnlyThatSidesRight() {
        ChessGame game = play(BOTH_SIDES_READY, "h1h2", "a8a7", "h2h1", "a7a8");
        assertThat(game.fen()).startsWith("r3k2r/8/8/8/8/8/8/R3K2R w Qk -");
        assertThat(isLegal(game, "e1g1")).isFalse();
        assertThat(isLegal(game, "e1c1")).isTrue();
    }

    @Test
    void capturedRookTakesItsCastlingRightWithIt() {
        ChessGame game = play("r3k2r/8/8/8/8/8/6b1/R3K2R b KQkq - 0 1", "g2h1");
        assertThat(game.fen()).startsWith("r3k2r/8/8/8/8/8/8/R3K2b w Qkq -");
        assertThat(isLegal(game, "e1g1")).isFalse();
        assertThat(isLegal(game, "e1c1")).isTrue();
    }

    @Test
    void castlingRightsWithoutKingAndRookAtHomeAreRejectedInFen() {
        assertThatThrownBy(() -> Position.fromFen("4k3/8/8/8/8/8/8/4K3 w K - 0 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("castling right 'K' needs the white king on e1 and a rook on h1");
    }
}
