package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;

/**
 * {@link RoomHost#flushed()}: what a handoff (and an idle room's release) waits on instead of
 * looking again every 2 ms. It completes when the room's events are all stored and delivered.
 */
class RoomHostFlushTest {
    @RegisterExtension
    final StripeFixture<DefaultEventExecutor> fixture = StripeFixture.alone(new DefaultEventExecutor());

    private final GatedRoomStore store = fixture.store;
    private final RecordingLink link = fixture.link;
    private final AtomicReference<RoomHost.Unanswered> lost = new AtomicReference<>();

    @Test
    void completesAtOnceWithNothingPendingAndOnceThePendingAppendIsStored() throws Exception {
        RoomHost host = chessRoom();
        assertThat(fixture.onStripe(() -> host.flushed().toCompletableFuture())).isDone();

        store.appends().close();
        fixture.onStripe(() -> {
            host.join(new SessionKey(link, 1), joinRequest());
            return null;
        });
        CompletableFuture<Void> flushed = fixture.onStripe(() -> host.flushed().toCompletableFuture());
        assertThat(flushed).as("the join's append is held").isNotDone();
        assertThat(link.replies()).as("nobody hears of an unstored event").isEmpty();

        store.appends().open();
        await().atMost(Duration.ofSeconds(5)).until(flushed::isDone);
        assertThat(link.replies()).as("delivered by the time it completes").anyMatch(ServerMessage::hasJoined);
        assertThat(fixture.onStripe(host::isFlushed)).isTrue();
        assertThat(lost).hasValue(null);
    }

    @Test
    void completesWhenTheRoomIsLostWithItsEventsUnstored() throws Exception {
        RoomHost host = chessRoom();
        store.appends().close();
        fixture.onStripe(() -> {
            host.join(new SessionKey(link, 1), joinRequest());
            return null;
        });
        CompletableFuture<Void> flushed = fixture.onStripe(() -> host.flushed().toCompletableFuture());

        store.appends().fail(new IllegalStateException("operation timed out"));
        await().atMost(Duration.ofSeconds(5)).until(flushed::isDone);
        assertThat(lost.get()).as("the room was dropped").isNotNull();
        assertThat(lost.get().inDoubt()).hasSize(1);
        assertThat(link.replies()).as("nothing unstored was delivered").isEmpty();
    }

    private RoomHost chessRoom() throws Exception {
        RoomRecord record = store.records()
                .claim("c1", "node-a", Set.of("node-a"), GameType.CHESS)
                .toCompletableFuture()
                .join()
                .record();
        return fixture.onStripe(() -> RoomHost.rebuild(record, fixture.context, lost::set));
    }

    private static SessionRequest joinRequest() {
        return SessionRequest.newBuilder()
                .setSessionId(1)
                .setParticipantId("p1")
                .setMessage(ClientMessage.newBuilder()
                        .setRequestId("join")
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId("c1")
                                .setGameType(GameType.CHESS)
                                .setRole(Role.SPECTATOR)))
                .build();
    }
}
