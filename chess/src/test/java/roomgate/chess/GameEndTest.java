package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static roomgate.chess.Games.fromStart;
import static roomgate.chess.Games.play;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
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
                    .isInstanceOfSatisfying(
                            IllegalMoveException.class,
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
    void fiftyMovesMakeADrawClaimableNotAutomatic() {
        ChessGame game = new ChessGame("4k3/8/8/8/8/8/8/R3K3 w - - 98 80");
        game.play("a1a2");
        assertThat(game.fen()).endsWith(" 99 80");
        assertThat(game.claimableDraw()).as("halfmove clock 99").isEmpty();
        assertNoDrawToClaim(game);
        PlayedMove hundredth = game.play("e8d8");
        assertThat(hundredth.fenAfter()).endsWith(" 100 81");
        assertThat(hundredth.statusAfter()).as("fifty moves only allow a claim").isEqualTo(GameStatus.ONGOING);
        assertThat(game.claimableDraw()).contains(GameStatus.DRAW_FIFTY_MOVE);
        game.play("a2a3");
        assertThat(game.claimableDraw()).as("still claimable later").contains(GameStatus.DRAW_FIFTY_MOVE);
        assertThat(game.claimDraw()).isEqualTo(GameStatus.DRAW_FIFTY_MOVE);
        assertThat(game.status()).isEqualTo(GameStatus.DRAW_FIFTY_MOVE);
        assertThat(game.drawClaimed()).isTrue();
        assertGameOver(() -> game.play("d8e8"), "fifty-move");
    }

    @Test
    void captureOrPawnMoveResetsTheFiftyMoveCount() {
        ChessGame game = new ChessGame("4k3/8/8/8/8/8/P7/R3K3 w - - 99 80");
        PlayedMove pawn = game.play("a2a3");
        assertThat(pawn.fenAfter()).endsWith(" 0 80");
        assertThat(game.claimableDraw()).isEmpty();
    }

    @Test
    void seventyFiveMovesEndTheGameAutomatically() {
        ChessGame game = new ChessGame("4k3/8/8/8/8/8/8/R3K3 w - - 148 80");
        assertThat(game.play("a1a2").statusAfter()).as("halfmove clock 149").isEqualTo(GameStatus.ONGOING);
        PlayedMove last = game.play("e8d8");
        assertThat(last.fenAfter()).endsWith(" 150 81");
        assertThat(last.statusAfter()).isEqualTo(GameStatus.DRAW_SEVENTY_FIVE_MOVE);
        assertThat(game.drawClaimed()).isFalse();
        assertThat(game.claimableDraw())
                .as("nothing to claim in a finished game")
                .isEmpty();
        assertGameOver(() -> game.play("a2a3"), "seventy-five-move");
        assertGameOver(game::claimDraw, "seventy-five-move");
    }

    @Test
    void gameFromAFenAtHalfmove150IsAlreadyOverAndAt100IsClaimable() {
        assertThat(new ChessGame("4k3/8/8/8/8/8/8/R3K3 w - - 150 80").status())
                .isEqualTo(GameStatus.DRAW_SEVENTY_FIVE_MOVE);
        ChessGame claimable = new ChessGame("4k3/8/8/8/8/8/8/R3K3 w - - 100 80");
        assertThat(claimable.status()).isEqualTo(GameStatus.ONGOING);
        assertThat(claimable.claimableDraw()).contains(GameStatus.DRAW_FIFTY_MOVE);
    }

    @Test
    void mateOnTheSeventyFifthMoveWinsInsteadOfDrawing() {
        PlayedMove mate = new ChessGame("k7/8/1K6/8/8/8/8/7R w - - 149 80").play("h1h8");
        assertThat(mate.fenAfter()).endsWith(" 150 80");
        assertThat(mate.statusAfter()).isEqualTo(GameStatus.CHECKMATE);
    }

    @Test
    void threefoldRepetitionIsClaimableFromTheThirdOccurrenceCountingTheStart() {
        ChessGame game = fromStart("g1f3", "g8f6", "f3g1", "f6g8");
        assertThat(game.claimableDraw()).as("start position seen twice").isEmpty();
        game.play("g1f3");
        game.play("g8f6");
        game.play("f3g1");
        assertThat(game.claimableDraw()).isEmpty();
        PlayedMove third = game.play("f6g8");
        assertThat(third.statusAfter()).as("threefold only allows a claim").isEqualTo(GameStatus.ONGOING);
        assertThat(game.claimableDraw()).contains(GameStatus.DRAW_THREEFOLD_REPETITION);
        assertThat(game.claimDraw()).isEqualTo(GameStatus.DRAW_THREEFOLD_REPETITION);
        assertThat(game.status()).isEqualTo(GameStatus.DRAW_THREEFOLD_REPETITION);
        assertThat(game.drawClaimed()).isTrue();
        assertThat(game.claimableDraw()).isEmpty();
        assertGameOver(() -> game.play("e2e4"), "draw claimed by threefold repetition");
        assertGameOver(game::claimDraw, "threefold");
    }

    @Test
    void threefoldClaimLapsesOncePlayMovesOn() {
        ChessGame game = fromStart("g1f3", "g8f6", "f3g1", "f6g8", "g1f3", "g8f6", "f3g1", "f6g8");
        assertThat(game.claimableDraw()).contains(GameStatus.DRAW_THREEFOLD_REPETITION);
        game.play("e2e4");
        assertThat(game.claimableDraw()).isEmpty();
    }

    @Test
    void fivefoldRepetitionEndsTheGameOnTheFifthOccurrence() {
        ChessGame game = fromStart();
        for (int occurrence = 2; occurrence <= 4; occurrence++) {
            for (String uci : new String[] {"g1f3", "g8f6", "f3g1", "f6g8"}) {
                game.play(uci);
            }
            assertThat(game.status()).as("occurrence %d", occurrence).isEqualTo(GameStatus.ONGOING);
        }
        assertThat(game.claimableDraw()).contains(GameStatus.DRAW_THREEFOLD_REPETITION);
        game.play("g1f3");
        game.play("g8f6");
        game.play("f3g1");
        assertThat(game.status()).isEqualTo(GameStatus.ONGOING);
        PlayedMove fifth = game.play("f6g8");
        assertThat(fifth.statusAfter()).isEqualTo(GameStatus.DRAW_FIVEFOLD_REPETITION);
        assertThat(game.drawClaimed()).isFalse();
        assertGameOver(() -> game.play("e2e4"), "draw by fivefold repetition");
    }

    @Test
    void claimWithNothingToClaimIsRefusedAndSaysWhy() {
        ChessGame game = fromStart("g1f3", "g8f6", "f3g1", "f6g8");
        assertThatThrownBy(game::claimDraw)
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.NO_DRAW_TO_CLAIM))
                .hasMessage("no draw to claim: position occurred 2 times (3 needed), halfmove clock 4 (100 needed)");
        assertThatThrownBy(() -> new ChessGame().claimDraw())
                .hasMessage("no draw to claim: position occurred 1 time (3 needed), halfmove clock 0 (100 needed)");
        assertThat(game.status()).isEqualTo(GameStatus.ONGOING);
        game.play("e2e4");
        assertThat(game.uciMoves()).hasSize(5);
    }

    @Test
    void claimAfterMateIsRefusedAsGameOver() {
        ChessGame game = fromStart("f2f3", "e7e5", "g2g4", "d8h4");
        assertGameOver(game::claimDraw, "checkmate, black won");
    }

    @Test
    void replayRebuildsAClaimedDraw() {
        ChessGame game = fromStart("g1f3", "g8f6", "f3g1", "f6g8", "g1f3", "g8f6", "f3g1", "f6g8");
        game.claimDraw();
        ChessGame copy = ChessGame.replay(game.initialFen(), game.uciMoves(), game.drawClaimed());
        assertThat(copy.status()).isEqualTo(GameStatus.DRAW_THREEFOLD_REPETITION);
        assertThat(ChessGame.replay(game.initialFen(), game.uciMoves()).status())
                .isEqualTo(GameStatus.ONGOING);
        assertThat(ChessGame.replay(game.initialFen(), game.uciMoves(), false).status())
                .isEqualTo(GameStatus.ONGOING);
    }

    @Test
    void replayOfAClaimThatWasNotValidFails() {
        assertThatThrownBy(() -> ChessGame.replay(Position.START_FEN, List.of("e2e4", "e7e5"), true))
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.NO_DRAW_TO_CLAIM))
                .hasMessageStartingWith("replay draw claim after ply 2: no draw to claim: ");
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
        assertThat(game.claimableDraw())
                .as("start placement seen 3 times, with these rights twice")
                .isEmpty();
    }

    @Test
    void enPassantSquareCountsForRepetitionOnlyWhenACaptureIsPossible() {
        String[] shuffle = {"e8d8", "e1d1", "d8e8", "d1e1"};
        ChessGame noCapture = play("4k3/8/8/8/8/8/4P3/4K3 w - - 0 1", "e2e4");
        ChessGame capture = play("4k3/8/8/8/8/8/4P3/4K3 w - - 0 1".replace("4k3/8/8/8/8", "4k3/8/8/8/3p4"), "e2e4");
        for (int round = 0; round < 2; round++) {
            for (String uci : shuffle) {
                noCapture.play(uci);
                capture.play(uci);
            }
        }
        assertThat(noCapture.claimableDraw()).contains(GameStatus.DRAW_THREEFOLD_REPETITION);
        assertThat(capture.claimableDraw()).isEmpty();
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

    private static void assertNoDrawToClaim(ChessGame game) {
        assertThatThrownBy(game::claimDraw)
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.NO_DRAW_TO_CLAIM));
    }

    private static void assertGameOver(ThrowingCallable refused, String why) {
        assertThatThrownBy(refused)
                .isInstanceOfSatisfying(
                        IllegalMoveException.class,
                        e -> assertThat(e.reason()).isEqualTo(IllegalMoveException.Reason.GAME_OVER))
                .hasMessageContaining(why);
    }
}
