package roomgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionCapsTest {
    private final SessionCaps caps = new SessionCaps(3, 5);
    private final Set<String> seated = new HashSet<>();

    @Test
    void joinsBeingAnsweredCountAsRoomsSoABurstCannotPassTheCap() {
        assertThat(caps.join(seated, "a", 0)).isNull();
        assertThat(caps.join(seated, "b", 0)).isNull();
        assertThat(caps.join(seated, "c", 0)).isNull();
        assertThat(caps.join(seated, "d", 0))
                .contains("holds or is joining 3 rooms")
                .contains("at most 3");
        // Joining a room it holds or is joining costs nothing more: the node answers ALREADY_IN_ROOM.
        assertThat(caps.join(seated, "a", 0)).isNull();
    }

    @Test
    void aSeatedRoomCountsOnceAndALeftRoomGivesItsPlaceBack() {
        caps.join(seated, "a", 0);
        caps.join(seated, "b", 0);
        seated.add("a"); // joined
        caps.join(seated, "c", 0);
        assertThat(caps.join(seated, "d", 1)).isNotNull();
        seated.remove("a"); // left
        assertThat(caps.join(seated, "d", 2)).isNull();
        assertThat(caps.join(seated, "e", 2)).isNotNull();
    }

    @Test
    void aJoinNeverSeatedStopsCountingAfterTheWindow() {
        caps.join(seated, "a", 0);
        caps.join(seated, "b", 0);
        caps.join(seated, "c", 0);
        assertThat(caps.join(seated, "d", SessionCaps.PENDING_NANOS)).isNotNull();
        assertThat(caps.join(seated, "d", SessionCaps.PENDING_NANOS + 1)).isNull();
    }

    @Test
    void aResumeNamesAtMostTheCapAndItsRoomsCountAsJoins() {
        assertThat(caps.resume(seated, List.of("a", "b", "c", "d"), 0))
                .contains("4 rooms")
                .contains("at most 3");
        assertThat(caps.resume(seated, List.of("a", "b"), 0)).isNull();
        caps.resuming(seated, List.of("a", "b"), 0);
        assertThat(caps.join(seated, "c", 0)).isNull();
        assertThat(caps.join(seated, "d", 0)).isNotNull();
        assertThat(caps.resume(seated, List.of("x"), 0)).contains("would hold 4 rooms");
    }

    @Test
    void topicsAreCappedAtTheLimit() {
        assertThat(caps.subscribe(5)).isNull();
        assertThat(caps.subscribe(6)).contains("6 subscriptions").contains("at most 5");
    }

    @Test
    void aMultiPermitAcquireTakesAllOrNothingAndAtMostTheBurst() {
        RateLimiter limiter = new RateLimiter(10, 5, 0);
        assertThat(limiter.tryAcquire(0, 4)).isTrue();
        assertThat(limiter.tryAcquire(0, 2)).as("one token left").isFalse();
        assertThat(limiter.tryAcquire(0, 1)).isTrue();
        // A second later the bucket is full again (5); a request of 50 costs the burst, not never.
        assertThat(limiter.tryAcquire(1_000_000_000L, 50)).isTrue();
        assertThat(limiter.tryAcquire(1_000_000_000L, 1)).isFalse();
    }
}
