package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.node.registry.StripeFixture.joinChess;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.registry.RoomPhase.Live;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * A room's stay in memory: a room whose last player's reconnect grace runs out is unloaded after
 * the idle time (that leave has no request behind it, and used to leave the room in memory
 * forever); a finished game is read-only, stays joinable for its grace, and leaves memory only once
 * the archive's backlog has taken it; a full backlog keeps it here until it has room. The stripe's
 * clock is the test's.
 */
class RoomLifecycleTest {
    private static final String ROOM = "g1";
    private static final Duration IDLE = Duration.ofMinutes(5);
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration FINISHED_GRACE = Duration.ofMinutes(1);

    private final List<String> queued = new CopyOnWriteArrayList<>();
    private final AtomicBoolean backlogFull = new AtomicBoolean();
    private final List<String> marked = new CopyOnWriteArrayList<>();
    private final RoomArchive archive = new RoomArchive() {
        @Override
        public CompletionStage<Boolean> finished(String roomId, long epoch) {
            if (backlogFull.get()) {
                return CompletableFuture.completedFuture(false);
            }
            queued.add(roomId + "@" + epoch);
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletionStage<Void> finishing(String roomId, long epoch) {
            marked.add(roomId + "@" + epoch);
            return CompletableFuture.completedFuture(null);
        }
    };

    @RegisterExtension
    final StripeFixture<ManualClockExecutor> fixture = StripeFixture.alone(
            new ManualClockExecutor(),
            (store, clock) -> new RoomContext(
                    "node-a", store, clock, GRACE, IDLE, FINISHED_GRACE, archive, NodeMetrics.disabled()));

    private final ManualClockExecutor clock = fixture.executor;
    private final RecordingLink link = fixture.link;

    @Test
    void aRoomEmptiedByAnExpiredReconnectGraceIsUnloadedAfterTheIdleTime() throws Exception {
        join(1, Role.PLAYER, Side.WHITE);
        clock.execute(
                () -> fixture.stripe.onSessionClosed(new SessionKey(link, 1), ROOM)); // connection lost, seat kept
        clock.advance(GRACE); // the seat is given up: the room is empty now
        assertThat(phase()).isInstanceOf(Live.class);
        clock.advance(IDLE.minusSeconds(1));
        assertThat(phase()).as("not before the idle time").isInstanceOf(Live.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(phase()).as("unloaded").isNull();
        assertThat(fixture.roomCount).hasValue(0);
        assertThat(queued)
                .as("an unfinished game is not archived: its record waits for the next join")
                .isEmpty();
    }

    @Test
    void aFinishedGameIsReadOnlyJoinableForItsGraceThenArchivedAndUnloaded() throws Exception {
        join(1, Role.PLAYER, Side.WHITE);
        join(2, Role.PLAYER, Side.BLACK);
        for (String[] move : new String[][] {{"1", "f2f3"}, {"2", "e7e5"}, {"1", "g2g4"}, {"2", "d8h4"}}) {
            fixture.request(
                    Long.parseLong(move[0]),
                    "m" + move[1],
                    ClientMessage.newBuilder()
                            .setMove(ChessMove.newBuilder().setRoomId(ROOM).setUci(move[1])));
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> link.events().stream().filter(e -> e.hasMoveMade()).count() == 4);
        await().atMost(Duration.ofSeconds(5)).until(() -> marked.equals(List.of(ROOM + "@1")));
        fixture.request(
                1,
                "chat",
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("gg")));
        await().atMost(Duration.ofSeconds(5)).until(() -> errors(ErrorCode.GAME_OVER) == 1);

        fixture.leave(1, ROOM);
        fixture.leave(2, ROOM);
        join(3, Role.SPECTATOR, Side.SIDE_UNSPECIFIED); // a late spectator sees the end
        ServerMessage joined = link.replies().stream()
                .filter(ServerMessage::hasJoined)
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(joined.getJoined().getFinished()).isTrue();
        assertThat(joined.getJoined().getState().getChess().getUciMovesList()).hasSize(4);
        fixture.leave(3, ROOM);

        clock.advance(FINISHED_GRACE.minusSeconds(5));
        assertThat(phase()).as("within the finished grace").isInstanceOf(Live.class);
        backlogFull.set(true);
        clock.advance(Duration.ofSeconds(5));
        assertThat(phase()).as("the backlog is full: it stays in memory").isInstanceOf(Live.class);
        assertThat(queued).isEmpty();

        backlogFull.set(false);
        clock.advance(RoomStripe.ARCHIVE_RETRY);
        assertThat(phase()).as("queued for the archive, then unloaded").isNull();
        assertThat(queued).containsExactly(ROOM + "@1");
        assertThat(fixture.roomCount).hasValue(0);
    }

    private long errors(ErrorCode code) {
        return link.replies().stream()
                .filter(m -> m.hasError() && m.getError().getCode() == code)
                .count();
    }

    private void join(long n, Role role, Side side) {
        fixture.join(n, joinChess(ROOM, role, side));
    }

    private RoomPhase phase() throws Exception {
        return fixture.phase(ROOM);
    }
}
