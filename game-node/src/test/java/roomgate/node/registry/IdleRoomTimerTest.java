package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.registry.RoomPhase.Live;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;

/**
 * An empty room is freed after the idle time, counted from when it last became empty: the timer of
 * an earlier empty spell is cancelled when someone comes back, so it cannot free the room early.
 * The stripe's clock is the test's: ten minutes pass in an instant.
 */
class IdleRoomTimerTest {
    private static final String ROOM = "c1";
    private static final Duration IDLE = Duration.ofMinutes(10);

    private final ManualClockExecutor clock = new ManualClockExecutor();
    private final GatedRoomStore store = new GatedRoomStore();
    private final AtomicInteger roomCount = new AtomicInteger();
    private final RoomStripe stripe = new RoomStripe(
            new RoomContext("node-a", store, clock, Duration.ofSeconds(30), IDLE, NodeMetrics.disabled()),
            NodeView::empty,
            Set::of,
            () -> false,
            roomCount);
    private final RecordingLink link = new RecordingLink(clock);

    @AfterEach
    void shutDown() throws InterruptedException {
        clock.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void anEmptyRoomIsFreedAfterTheIdleTimeAndNotBefore() throws Exception {
        joinThenLeave(1);
        clock.advance(IDLE.minusSeconds(1));
        assertThat(phase()).isInstanceOf(Live.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(phase()).as("freed").isNull();
        assertThat(roomCount).hasValue(0);
    }

    @Test
    void aRoomThatFilledUpAgainIsNotFreedWhenTheTimerOfItsEarlierEmptySpellWasDue() throws Exception {
        joinThenLeave(1); // empty at 0: freed at 10 min, unless someone comes back
        clock.advance(Duration.ofMinutes(6));
        joinThenLeave(2); // back at 6 min, empty again: freed at 16 min
        clock.advance(Duration.ofMinutes(5)); // 11 min: past the first spell's deadline
        assertThat(phase()).as("still live at 11 min").isInstanceOf(Live.class);
        assertThat(roomCount).hasValue(1);

        clock.advance(Duration.ofMinutes(5)); // 16 min
        assertThat(phase()).as("freed ten minutes after it became empty again").isNull();
        assertThat(roomCount).hasValue(0);
    }

    @Test
    void aRoomSomeoneIsInIsNeverFreed() throws Exception {
        joinThenLeave(1);
        request(
                2,
                "stay",
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.SPECTATOR)));
        await().atMost(Duration.ofSeconds(5)).until(() -> joined() == 2);
        clock.advance(IDLE.multipliedBy(3));
        assertThat(phase()).isInstanceOf(Live.class);
    }

    /** Session {@code n} joins the room (creating it the first time) and leaves it, empty, again. */
    private void joinThenLeave(long n) {
        long joinedBefore = joined();
        long leftBefore = left();
        request(
                n,
                "join" + n,
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.SPECTATOR)));
        await().atMost(Duration.ofSeconds(5)).until(() -> joined() == joinedBefore + 1);
        request(
                n,
                "leave" + n,
                ClientMessage.newBuilder().setLeave(LeaveRoom.newBuilder().setRoomId(ROOM)));
        await().atMost(Duration.ofSeconds(5)).until(() -> left() == leftBefore + 1);
    }

    private long joined() {
        return link.replies().stream().filter(ServerMessage::hasJoined).count();
    }

    private long left() {
        return link.replies().stream().filter(ServerMessage::hasLeft).count();
    }

    /** The room's phase, once the stripe has run what the clock made due. */
    private RoomPhase phase() throws Exception {
        return onStripe(() -> stripe.phaseOf(ROOM));
    }

    private <T> T onStripe(Callable<T> task) throws Exception {
        return clock.submit(task).get(5, TimeUnit.SECONDS);
    }

    private void request(long sessionId, String requestId, ClientMessage.Builder message) {
        SessionRequest request = SessionRequest.newBuilder()
                .setSessionId(sessionId)
                .setParticipantId("p" + sessionId)
                .setMessage(message.setRequestId(requestId))
                .build();
        clock.execute(() -> stripe.onRequest(link, request));
    }
}
