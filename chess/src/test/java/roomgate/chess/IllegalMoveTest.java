package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IllegalMoveTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"zz", "e2e", "e2e4x", "e2e4qq", "e9e4", "i2e4", "E2E4", "e7e8Q", "0000", "e2-e4"})
    void malformedUciIsRejectedWithTheExpectedFormat(String uci) {
        ChessGame game = new ChessGame();
        IllegalMoveException e = catchThrowableOfType(IllegalMoveException.class, () -> game.play(uci));
        assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.MALFORMED);
        assertThat(e.getMessage()).endsWith(": expected <from><to>[qrbn], e.g. e2e4 or e7e8q");
        assertThat(game.uciMoves()).isEmpty();
    }

    @Test
    void malformedMessageQuotesTheInput() {
        assertThatThrownBy(() -> new ChessGame().play("zz"))
                .hasMessage("uci 'zz': expected <from><to>[qrbn], e.g. e2e4 or e7e8q");
    }

    @Test
    void unreachableSquareIsExplainedWithTheMovesThatWouldBeAccepted() {
        assertThatThrownBy(() -> new ChessGame().play("e2e5"))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL))
                .hasMessage("e2e5: illegal in position " + Position.START_FEN
                        + " (pawn on e2 cannot reach e5; legal moves from e2: e2e3 e2e4)");
    }

    @Test
    void movingTheOpponentsPieceIsIllegal() {
        assertThatThrownBy(() -> new ChessGame().play("e7e5"))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL))
                .hasMessageContaining("the pawn on e7 is black's and it is white's turn");
    }

    @Test
    void movingFromAnEmptySquareIsIllegal() {
        assertThatThrownBy(() -> new ChessGame().play("e4e5"))
                .hasMessageContaining("there is no piece on e4")
                .hasMessageContaining("legal moves: ");
    }

    @Test
    void pinnedPieceCannotLeaveTheLine() {
        ChessGame game = new ChessGame("4k3/4r3/8/8/8/8/4N3/4K3 w - - 0 1");
        assertThatThrownBy(() -> game.play("e2c3"))
                .hasMessageContaining("it would leave the white king in check")
                .hasMessageContaining("the knight on e2 has no legal move");
    }

    @Test
    void ignoringCheckIsIllegal() {
        ChessGame game = new ChessGame("4k3/4r3/8/8/8/8/P7/4K3 w - - 0 1");
        assertThatThrownBy(() -> game.play("a2a3")).hasMessageContaining("white is in check");
    }

    @Test
    void rejectionIsCheapNoStackTrace() {
        IllegalMoveException e = catchThrowableOfType(IllegalMoveException.class, () -> new ChessGame().play("zz"));
        assertThat(e.getStackTrace()).isEmpty();
    }

    @Test
    void refusedMovesLeaveTheGameUnchanged() {
        ChessGame game = Games.fromStart("e2e4");
        String fen = game.fen();
        for (String bad : new String[] {"zz", "e4e5", "e2e4", "d7d6q"}) {
            assertThatThrownBy(() -> game.play(bad)).isInstanceOf(IllegalMoveException.class);
        }
        assertThat(game.fen()).isEqualTo(fen);
        assertThat(game.uciMoves()).containsExactly("e2e4");
    }

    @Test
    void historyIsUnmodifiableAndReplayRebuildsTheGame() {
        ChessGame game = Games.fromStart("e2e4", "e7e5", "g1f3", "b8c6", "f1b5");
        assertThatThrownBy(() -> game.uciMoves().add("a7a6")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(game.sanMoves()).containsExactly("e4", "e5", "Nf3", "Nc6", "Bb5");
        ChessGame copy = ChessGame.replay(game.initialFen(), game.uciMoves());
        assertThat(copy.fen()).isEqualTo(game.fen());
        assertThat(copy.sanMoves()).isEqualTo(game.sanMoves());
        assertThat(copy.status()).isEqualTo(game.status());
        assertThat(copy.sideToMove()).isEqualTo(Color.BLACK);
    }

    @Test
    void replayNamesThePlyThatFails() {
        assertThatThrownBy(() -> ChessGame.replay(Position.START_FEN, List.of("e2e4", "e2e4")))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.ILLEGAL))
                .hasMessageStartingWith("replay ply 2: ");
    }
}
