package roomgate.node.room.arena;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.node.room.Participant;
import roomgate.node.room.RoomException;
import roomgate.node.room.types.RoomTypes;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.ArenaPlayer;
import roomgate.protocol.v1.ArenaState;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;
import roomgate.protocol.v1.Seat;

class ArenaRoomTest {
    private final ArenaRoom room = new ArenaRoom();
    private final List<Participant> present = new ArrayList<>();

    private Participant join(String id, Role role) {
        Seat seat = room.seatFor(
                JoinRoom.newBuilder().setGameType(GameType.ARENA).setRole(role).build(), present);
        Participant p = new Participant(id, id, seat);
        present.add(p);
        room.joined(p);
        return p;
    }

    private static ClientMessage input(float x, float y, long sequence) {
        return ClientMessage.newBuilder()
                .setArenaInput(ArenaInput.newBuilder()
                        .setRoomId("r")
                        .setMoveX(x)
                        .setMoveY(y)
                        .setInputSequence(sequence))
                .build();
    }

    private static RoomException refusal(Runnable action) {
        try {
            action.run();
        } catch (RoomException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    private static ArenaPlayer player(ArenaState state, String id) {
        return state.getPlayersList().stream()
                .filter(p -> p.getParticipantId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private ArenaState state() {
        RoomState.Builder state = RoomState.newBuilder();
        room.describe(state);
        return state.getArena();
    }

    @Test
    void sixteenPlayersFitTheSeventeenthIsRoomFullAndSpectatorsAlwaysFit() {
        for (int i = 0; i < ArenaWorld.MAX_PLAYERS; i++) {
            assertThat(join("p" + i, Role.PLAYER).seat()).isEqualTo(Seat.SEAT_PLAYER);
        }
        RoomException full = refusal(() -> join("p16", Role.PLAYER));
        assertThat(full.code()).isEqualTo(ErrorCode.ROOM_FULL);
        assertThat(full.getMessage()).contains("16 players", "SPECTATOR");
        for (int i = 0; i < 20; i++) {
            assertThat(join("s" + i, Role.SPECTATOR).seat()).isEqualTo(Seat.SEAT_SPECTATOR);
        }
        assertThat(state().getPlayersCount()).as("spectators have no disc").isEqualTo(16);
    }

    @Test
    void anInputIsNotBroadcastButTheNextTickShowsItsEffect() {
        Participant a = join("a", Role.PLAYER);
        float x0 = player(state(), "a").getX();
        assertThat(room.apply(a, input(1, 0, 1))).isNull();
        RoomEvent.Builder tick = room.tick();
        assertThat(tick.hasArenaTick()).isTrue();
        ArenaState after = tick.getArenaTick();
        assertThat(after.getTick()).isEqualTo(1);
        assertThat(player(after, "a").getX()).isGreaterThan(x0);
        assertThat(player(after, "a").getLastInputSequence()).isEqualTo(1);
        assertThat(player(after, "a").getIt()).isTrue();
        assertThat(room.tick().getArenaTick().getTick()).isEqualTo(2);
    }

    @Test
    void spectatorsCannotMove() {
        join("a", Role.PLAYER);
        Participant watcher = join("w", Role.SPECTATOR);
        assertThat(refusal(() -> room.apply(watcher, input(1, 0, 1))).code())
                .isEqualTo(ErrorCode.SPECTATOR_CANNOT_MOVE);
    }

    @Test
    void aChessMoveInAnArenaIsInvalid() {
        Participant a = join("a", Role.PLAYER);
        RoomException e = refusal(() -> room.apply(
                a,
                ClientMessage.newBuilder()
                        .setMove(ChessMove.newBuilder().setRoomId("r").setUci("e2e4"))
                        .build()));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("MOVE", "arena_input");
    }

    @Test
    void outOfRangeOrNaNInputIsInvalidAndNamesTheField() {
        Participant a = join("a", Role.PLAYER);
        RoomException nan = refusal(() -> room.apply(a, input(Float.NaN, 0, 1)));
        assertThat(nan.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(nan.getMessage()).contains("arena_input.move_x", "NaN", "[-1, 1]");
        assertThat(refusal(() -> room.apply(a, input(0, 1.5f, 1))).getMessage()).contains("arena_input.move_y", "1.5");
        assertThat(refusal(() -> room.apply(a, input(Float.NEGATIVE_INFINITY, 0, 1)))
                        .getMessage())
                .contains("move_x");
        room.apply(a, input(0, 1, 5));
        RoomException old = refusal(() -> room.apply(a, input(0, 1, 5)));
        assertThat(old.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(old.getMessage()).contains("arena_input.input_sequence: 5", "> 5");
        assertThat(player(state(), "a").getVy())
                .as("refused inputs change nothing")
                .isEqualTo(ArenaWorld.MAX_SPEED);
    }

    @Test
    void whenItLeavesAnotherPlayerIsIt() {
        Participant a = join("a", Role.PLAYER);
        join("b", Role.PLAYER);
        room.left(a);
        present.remove(a);
        assertThat(state().getPlayersList())
                .extracting(ArenaPlayer::getParticipantId)
                .containsExactly("b");
        assertThat(player(state(), "b").getIt()).isTrue();
    }

    @Test
    void aRestoredRoomDescribesTheSameStateAndTicksOnIdentically() {
        Participant a = join("a", Role.PLAYER);
        Participant b = join("b", Role.PLAYER);
        room.apply(a, input(1, 1, 1));
        room.apply(b, input(-1, -0.5f, 1));
        for (int i = 0; i < 50; i++) {
            room.tick();
        }
        ArenaRoom restored = ArenaRoom.restore(state());
        RoomState.Builder copy = RoomState.newBuilder();
        restored.describe(copy);
        assertThat(copy.getArena()).isEqualTo(state());
        for (int i = 0; i < 50; i++) {
            assertThat(restored.tick().build()).isEqualTo(room.tick().build());
        }
    }

    @Test
    void roomTypesCreatesArenasThatTickThirtyTimesASecond() {
        var created = RoomTypes.create(GameType.ARENA);
        assertThat(created).isInstanceOf(ArenaRoom.class);
        assertThat(created.type()).isEqualTo(GameType.ARENA);
        assertThat(created.tickInterval()).isEqualTo(Duration.ofNanos(33_333_333));
        assertThat(RoomTypes.create(GameType.CHESS).tickInterval()).isNull();
    }
}
