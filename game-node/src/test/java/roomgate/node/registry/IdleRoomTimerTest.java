package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.node.registry.StripeFixture.joinChess;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roomgate.node.registry.RoomPhase.Live;
import roomgate.protocol.v1.Role;

/**
 * An empty room is freed after the idle time, counted from when it last became empty: the timer of
 * an earlier empty spell is cancelled when someone comes back, so it cannot free the room early.
 * The stripe's clock is the test's: ten minutes pass in an instant.
 */
class IdleRoomTimerTest {
    private static final String ROOM = "c1";
    private static final Duration IDLE = StripeFixture.IDLE;

    @RegisterExtension
    final StripeFixture<ManualClockExecutor> fixture = StripeFixture.alone(new ManualClockExecutor());

    private final ManualClockExecutor clock = fixture.executor;

    @Test
    void anEmptyRoomIsFreedAfterTheIdleTimeAndNotBefore() throws Exception {
        joinThenLeave(1);
        clock.advance(IDLE.minusSeconds(1));
        assertThat(phase()).isInstanceOf(Live.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(phase()).as("freed").isNull();
        assertThat(fixture.roomCount).hasValue(0);
    }

    @Test
    void aRoomThatFilledUpAgainIsNotFreedWhenTheTimerOfItsEarlierEmptySpellWasDue() throws Exception {
        joinThenLeave(1); // empty at 0: freed at 10 min, unless someone comes back
        clock.advance(Duration.ofMinutes(6));
        joinThenLeave(2); // back at 6 min, empty again: freed at 16 min
        clock.advance(Duration.ofMinutes(5)); // 11 min: past the first spell's deadline
        assertThat(phase()).as("still live at 11 min").isInstanceOf(Live.class);
        assertThat(fixture.roomCount).hasValue(1);

        clock.advance(Duration.ofMinutes(5)); // 16 min
        assertThat(phase()).as("freed ten minutes after it became empty again").isNull();
        assertThat(fixture.roomCount).hasValue(0);
    }

    @Test
    void aRoomSomeoneIsInIsNeverFreed() throws Exception {
        joinThenLeave(1);
        fixture.request(2, "stay", joinChess(ROOM, Role.SPECTATOR));
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.joined() == 2);
        clock.advance(IDLE.multipliedBy(3));
        assertThat(phase()).isInstanceOf(Live.class);
    }

    /** Session {@code n} joins the room (creating it the first time) and leaves it, empty, again. */
    private void joinThenLeave(long n) {
        fixture.join(n, joinChess(ROOM, Role.SPECTATOR));
        fixture.leave(n, ROOM);
    }

    /** The room's phase, once the stripe has run what the clock made due. */
    private RoomPhase phase() throws Exception {
        return fixture.phase(ROOM);
    }
}
