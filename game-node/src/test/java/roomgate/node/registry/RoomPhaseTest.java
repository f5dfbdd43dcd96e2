package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.node.registry.StripeFixture.joinChess;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roomgate.node.registry.RoomPhase.HandingOff;
import roomgate.node.registry.RoomPhase.Live;
import roomgate.node.registry.RoomPhase.Loading;
import roomgate.node.registry.RoomPhase.Moved;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * A room is in one phase at a time on its stripe: LOADING while the store has its claim, LIVE once
 * claimed, HANDING OFF while a drain moves it, MOVED after. The move waits for the room's events to
 * be stored, and goes on as soon as they are.
 */
class RoomPhaseTest {
    private static final String ROOM = "c1";

    @RegisterExtension
    final StripeFixture<DefaultEventExecutor> fixture = StripeFixture.ofTwoNodes();

    private final GatedRoomStore store = fixture.store;
    private final RecordingLink link = fixture.link;

    @Test
    void aRoomLoadsThenIsLiveThenHandsOffOnceItsEventsAreStoredThenIsMoved() throws Exception {
        store.claims().close();
        fixture.request(1, "white", joinChess(ROOM, Role.PLAYER, Side.WHITE));
        fixture.request(2, "black", joinChess(ROOM, Role.PLAYER, Side.BLACK));
        RoomPhase loading = fixture.phase(ROOM);
        assertThat(loading).isInstanceOf(Loading.class);
        assertThat(((Loading) loading).waiting())
                .as("both joins wait for the one claim")
                .hasSize(2);

        store.claims().open();
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.joined() == 2);
        assertThat(fixture.phase(ROOM)).isInstanceOf(Live.class);
        assertThat(fixture.roomCount).hasValue(1);

        // A move on its way to the store when the drain starts: the room may not move before it is stored.
        store.appends().close();
        fixture.request(
                1,
                "e4",
                ClientMessage.newBuilder()
                        .setMove(ChessMove.newBuilder().setRoomId(ROOM).setUci("e2e4")));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.appends().waiting() == 1);
        CompletableFuture<Void> handedOff = new CompletableFuture<>();
        fixture.onStripe(() -> {
            fixture.stripe.onStartHandoff(ROOM, () -> handedOff.complete(null));
            return null;
        });
        assertThat(fixture.phase(ROOM)).isInstanceOf(HandingOff.class);
        assertThat(((HandingOff) fixture.phase(ROOM)).handoff().successor).isEqualTo("node-b");
        fixture.onStripe(() -> {
            fixture.stripe.onHandoffReady(link, ROOM);
            return null;
        });
        assertThat(fixture.phase(ROOM))
                .as("every link holds, but the move is not stored yet")
                .isInstanceOf(HandingOff.class);
        assertThat(handedOff).isNotDone();
        assertThat(owner()).isEqualTo("node-a");

        store.appends().open();
        await().atMost(Duration.ofSeconds(5)).until(handedOff::isDone);
        assertThat(fixture.phase(ROOM)).isEqualTo(new Moved("node-b"));
        assertThat(owner()).isEqualTo("node-b");
        assertThat(fixture.roomCount).hasValue(0);
        assertThat(link.events()).extracting(e -> e.getMoveMade().getUci()).contains("e2e4");
        assertThat(store.records().read(ROOM).toCompletableFuture().join().getEventsList())
                .extracting(RoomEvent::getSequence)
                .containsExactly(1L, 2L, 3L);
        assertThat(link.handoffs()).containsExactly("start " + ROOM, "done " + ROOM + " node-b");

        // A straggler's request goes where the room went.
        fixture.request(
                2,
                "gg",
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("gg")));
        await().atMost(Duration.ofSeconds(5)).until(() -> !link.redirects().isEmpty());
        assertThat(link.redirects())
                .extracting(RecordingLink.Redirect::ownerNodeId)
                .containsExactly("node-b");
        assertThat(link.anythingSentOffTheStripeThread()).isFalse();
    }

    @Test
    void aRoomWhoseClaimFailsIsForgottenAndLoadsAgainOnTheNextRequest() throws Exception {
        store.claims().close();
        fixture.request(1, "white", joinChess(ROOM, Role.PLAYER, Side.WHITE));
        assertThat(fixture.phase(ROOM)).isInstanceOf(Loading.class);
        store.claims().fail(new IllegalStateException("no quorum"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> link.replies().stream().anyMatch(ServerMessage::hasError));
        assertThat(fixture.phase(ROOM))
                .as("no phase: the next request claims it again")
                .isNull();

        fixture.request(1, "again", joinChess(ROOM, Role.PLAYER, Side.WHITE));
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.joined() == 1);
        assertThat(fixture.phase(ROOM)).isInstanceOf(Live.class);
    }

    private String owner() {
        return store.records().read(ROOM).toCompletableFuture().join().getOwnerNodeId();
    }
}
