package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static roomgate.chess.Games.fromStart;
import static roomgate.chess.Games.play;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GameEndTest {

    @Test
    void foolsMateIsCheckmateForBlack() {
        ChessGame game = fromStart("f2f3", "e7e5", "g2g4");
        PlayedMove mate = game.play("d8h4");
        assertThat(mate.san()).isEqualTo("Qh4#");
        assertThat(mate.statusAfter()).isEqualTo(GameStatus.CHECKMATE);
        assertThat(mate.mover()).isEqualTo(Color.BLACK);
        assertThat(game.status()).isEqualTo(GameStatus.CHECKMATE);
        assertThat(game.winner()).contains(Color.BLACK);
        assertThat(game.position().legalMoves()).isEmpty();
    }

    @Test
    void checkIsNotMate() {
        PlayedMove check = fromStart("e2e4", "f7f6").play("d1h5");
        assertThat(check.san()).isEqualTo("Qh5+");
        assertThat(check.statusAfter()).isEqualTo(GameStatus.ONGOING);
    }

    @Test
    void refusesEveryMoveOnceTheGameIsOver() {
        ChessGame game = fromStart("f2f3", "e7e5", "g2g4", "d8h4");
        for (String uci : new String[] {"a2a3", "zz", "e1f2"}) {
            assertThatThrownBy(() -> game.play(uci))
                    .isInstanceOfSatisfying(IllegalMoveException.class,
                            e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.GAME_OVER))
                    .hasMessageContaining("checkmate, black won");
        }
        assertThat(game.uciMoves()).hasSize(4);
    }

    @Test
    void stalemateEndsTheGame() {
        PlayedMove played = new ChessGame("7k/4Q3/6K1/8/8/8/8/8 w - - 0 1").play("e7f7");
        assertThat(played.statusAfter()).isEqualTo(GameStatus.STALEMATE);
        assertThat(played.statusAfter().isDraw()).isTrue();
    }

    @Test
    void quietMoveCompletingFiftyMovesDraws() {
        ChessGame game = new ChessGame("4k3/8/8/8/8/8/8/R3K3 w - - 99 80");
        assertThat(game.status()).isEqualTo(GameStatus.ONGOING);
        PlayedMove played = game.play("a1a2");
        assertThat(played.fenAfter()).endsWith(" 100 80");
        assertThat(played.statusAfter()).isEqualTo(GameStatus.DRAW_FIFTY_MOVE);
        assertThatThrownBy(() -> game.play("e8d8"))
                .isInstanceOfSatisfying(IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.GAME_OVER));
    }

    @Test
    void fiftyMoveRuleCountsPlies() {
        assertThat(new ChessGame("4k3/8/8/8/8/8/8/R3K3 w - - 98 80").play("a1a2").statusAfter())
                .isEqualTo(GameStatus.ONGOING);
    }

    @Test
    void captureOrPawnMoveResetsTheFiftyMoveCount() {
        ChessGame game = new ChessGame("4k3/8/8/8/8/8/P7/R3K3 w - - 99 80");
        PlayedMove pawn = game.play("a2a3");
        assertThat(pawn.fenAfter()).endsWith(" 0 80");
        assertThat(pawn.statusAfter()).isEqualTo(GameStatus.ONGOING);
    }

    @Test
    void mateOnTheHundredthPlyWinsInsteadOfDrawing() {
        PlayedMove mate = new ChessGame("k7/8/1K6/8/8/8/8/7R w - - 99 80").play("h1h8");
        assertThat(mate.fenAfter()).endsWith(" 100 80");
        assertThat(mate.statusAfter()).isEqualTo(GameStatus.CHECKMATE);
    }

    @Test
    void threefoldRepetitionDrawsOnTheThirdOccurrenceCountingTheStart() {
        ChessGame game = fromStart("g1f3", "g8f6", "f3g1", "f6g8");
        assertThat(game.status()).as("start position seen twice").isEqualTo(GameStatus.ONGOING);
        game.play("g1f3");
        game.play("g8f6");
        game.play("f3g1");
        assertThat(game.status()).isEqualTo(GameStatus.ONGOING);
        PlayedMove third = game.play("f6g8");
        assertThat(third.statusAfter()).isEqualTo(GameStatus.DRAW_THREEFOLD_REPETITION);
        assertThatThrownBy(() -> game.play("e2e4"))
                .isInstanceOfSatisfying(IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.GAME_OVER))
                .hasMessageContaining("threefold");
    }

    @Test
    void lostCastlingRightsMakeADifferentPosition() {
        // Rooks step out and back: the placement returns but the castling rights do not.
        ChessGame game = fromStart("g1f3", "g8f6", "h1g1", "h8g8", "g1h1", "g8h8", "f3g1", "f6g8");
        game.play("g1f3");
        game.play("g8f6");
        game.play("f3g1");
        game.play("f6g8");
        assertThat(game.fen()).startsWith(Position.START_FEN.split(" ")[0] + " w Qq ");
        assertThat(game.status()).isEqualTo(GameStatus.ONGOING);
    }

    @Test
    void enPassantSquareCountsForRepetitionOnlyWhenACaptureIsPossible() {
        String[] shuffle = {"e8d8", "e1d1", "d8e8", "d1e1"};
        ChessGame noCapture = play("4k3/8/8/8/8/8/4P3/4K3 w - - 0 1", "e2e4");
        ChessGame capture = play("4k3/8/8/8/8/8/4P3/4K3 w - - 0 1".replace("4k3/8/8/8/8", "4k3/8/8/8/3p4"),
                "e2e4");
        for (int round = 0; round < 2; round++) {
            for (String uci : shuffle) {
                noCapture.play(uci);
                capture.play(uci);
            }
        }
        assertThat(noCapture.status()).isEqualTo(GameStatus.DRAW_THREEFOLD_REPETITION);
        assertThat(capture.status()).isEqualTo(GameStatus.ONGOING);
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource({
        "K v K, 4k3/8/8/8/8/8/8/4K3 w - - 0 1, DRAW_INSUFFICIENT_MATERIAL",
        "K+B v K, 4k3/8/8/8/8/8/8/2B1K3 w - - 0 1, DRAW_INSUFFICIENT_MATERIAL",
        "K+N v K, 4k3/8/8/8/8/8/8/1N2K3 w - - 0 1, DRAW_INSUFFICIENT_MATERIAL",
        "K v K+N, 1n2k3/8/8/8/8/8/8/4K3 w - - 0 1, DRAW_INSUFFICIENT_MATERIAL",
        "K+B v K+B same colour, 4kb2/8/8/8/8/8/8/2B1K3 w - - 0 1, DRAW_INSUFFICIENT_MATERIAL",
        "K+B v K+B opposite colour, 2b1k3/8/8/8/8/8/8/2B1K3 w - - 0 1, ONGOING",
        "K+N+N v K, 4k3/8/8/8/8/8/8/1N2KN2 w - - 0 1, ONGOING",
        "K+B v K+N, 1n2k3/8/8/8/8/8/8/2B1K3 w - - 0 1, ONGOING",
        "K+P v K, 4k3/8/8/8/8/8/P7/4K3 w - - 0 1, ONGOING",
        "K+R v K, 4k3/8/8/8/8/8/8/R3K3 w - - 0 1, ONGOING"
    })
    void insufficientMaterial(String name, String fen, GameStatus expected) {
        assertThat(new ChessGame(fen).status()).isEqualTo(expected);
    }

    @Test
    void captureLeavingBareKingsDrawsAtOnce() {
        PlayedMove played = new ChessGame("4k3/8/8/8/8/8/3q4/4K3 w - - 0 1").play("e1d2");
        assertThat(played.statusAfter()).isEqualTo(GameStatus.DRAW_INSUFFICIENT_MATERIAL);
    }
}
