package roomgate.chess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoveTest {

    @Test
    void parsesAndPrintsUci() {
        Move m = Move.parseUci("e7e8q");
        assertThat(m.from()).isEqualTo("e7");
        assertThat(m.to()).isEqualTo("e8");
        assertThat(m.promotion()).isEqualTo(PieceType.QUEEN);
        assertThat(m.uci()).isEqualTo("e7e8q");
        assertThat(Move.parseUci("g1f3").promotion()).isNull();
    }

    @Test
    void isAValue() {
        assertThat(Move.parseUci("e2e4")).isEqualTo(Move.of("e2", "e4")).hasSameHashCodeAs(Move.of("e2", "e4"));
        assertThat(Move.parseUci("e7e8q")).isEqualTo(Move.of("e7", "e8", PieceType.QUEEN));
        assertThat(Move.parseUci("e7e8q")).isNotEqualTo(Move.parseUci("e7e8n"));
        assertThat(Move.parseUci("e7e8q")).isNotEqualTo(Move.parseUci("e7e8"));
    }

    @Test
    void rejectsImpossiblePromotionPieces() {
        assertThatThrownBy(() -> Move.of("e7", "e8", PieceType.KING)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Move.of("e7", "e9")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void colorOpposite() {
        assertThat(Color.WHITE.opposite()).isEqualTo(Color.BLACK);
        assertThat(Color.BLACK.opposite()).isEqualTo(Color.WHITE);
    }

    @Test
    void onlyOngoingIsNotOver() {
        for (GameStatus s : GameStatus.values()) {
            assertThat(s.isOver()).as(s.name()).isEqualTo(s != GameStatus.ONGOING);
        }
    }
}
