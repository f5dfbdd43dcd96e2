package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.node.registry.StripeFixture.joinChess;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.Participant;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.Seat;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * Two players resume after a busy spell of chat that overflowed the room's catch-up window. The one
 * whose last seen event is still covered gets the events it missed, one by one, as before; the one
 * that missed an event the window no longer holds gets the room's whole state, as a join does.
 */
class CatchUpWindowTest {
    private static final String ROOM = "c1";
    /** Two joins, then chat: events 1 to LAST, of which the window keeps the latest WINDOW. */
    private static final long LAST = CatchUpHistory.WINDOW + 5;
    /** The newest event fallen out of the window. */
    private static final long DROPPED_THROUGH = LAST - CatchUpHistory.WINDOW;

    @RegisterExtension
    final StripeFixture<DefaultEventExecutor> fixture = StripeFixture.alone(new DefaultEventExecutor());

    private final DefaultEventExecutor executor = fixture.executor;
    private final GatedRoomStore store = fixture.store;
    private final RecordingLink white = fixture.link;
    private final RecordingLink black = new RecordingLink(executor);

    @Test
    void aSessionWithinTheWindowGetsTheEventsItMissedOneBeyondItGetsTheWholeState() {
        busySpellThenBothGatewaysGo();
        RecordingLink whiteAgain = new RecordingLink(executor);
        RecordingLink blackAgain = new RecordingLink(executor);
        resume(whiteAgain, 1, DROPPED_THROUGH); // saw the newest dropped event: needs only what is kept
        resume(blackAgain, 2, DROPPED_THROUGH - 1); // missed a dropped event

        await().atMost(Duration.ofSeconds(5)).until(() -> whiteAgain.replies().size() == CatchUpHistory.WINDOW);
        List<ServerMessage> caughtUp = whiteAgain.replies();
        assertThat(caughtUp).allMatch(ServerMessage::hasEvent);
        assertThat(caughtUp)
                .extracting(m -> m.getEvent().getSequence())
                .startsWith(DROPPED_THROUGH + 1)
                .endsWith(LAST)
                .doesNotHaveDuplicates()
                .isSorted();

        await().atMost(Duration.ofSeconds(5)).until(() -> !blackAgain.replies().isEmpty());
        assertThat(blackAgain.replies()).as("the state, instead of the events").hasSize(1);
        ServerMessage reply = blackAgain.replies().get(0);
        assertThat(reply.hasJoined()).isTrue();
        Joined state = reply.getJoined();
        assertThat(state.getRoomId()).isEqualTo(ROOM);
        assertThat(state.getParticipantId()).isEqualTo("p2");
        assertThat(state.getSeat()).isEqualTo(Seat.SEAT_BLACK);
        assertThat(state.getLastSequence()).isEqualTo(LAST);
        assertThat(state.getState().getParticipantsList())
                .extracting(Participant::getParticipantId)
                .containsExactly("p1", "p2");
        assertThat(state.getChatHistoryList())
                .extracting(ChatMessage::getText)
                .hasSize(RoomHost.CHAT_HISTORY)
                .endsWith("m" + LAST);

        // And the stream goes on from there, to both.
        fixture.request(
                whiteAgain,
                1,
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("back")));
        await().atMost(Duration.ofSeconds(5)).until(() -> lastEventSequence(blackAgain) == LAST + 1);
        assertThat(blackAgain.events()).extracting(RoomEvent::getSequence).containsExactly(LAST + 1);
        assertThat(blackAgain.anythingSentOffTheStripeThread()).isFalse();
    }

    @Test
    void theStateShowsNoEventBeforeTheStoreHasIt() throws Exception {
        busySpellThenBothGatewaysGo();
        RecordingLink whiteAgain = new RecordingLink(executor);
        RecordingLink blackAgain = new RecordingLink(executor);
        resume(whiteAgain, 1, LAST);
        store.appends().close();
        fixture.request(
                whiteAgain,
                1,
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("held")));
        resume(blackAgain, 2, 0);
        executor.submit(() -> null).get(5, TimeUnit.SECONDS); // the resume has been served
        assertThat(store.appends().waiting()).isEqualTo(1);
        assertThat(blackAgain.replies())
                .as("the state includes the held chat: not before it is stored")
                .isEmpty();

        store.appends().open();
        await().atMost(Duration.ofSeconds(5)).until(() -> !blackAgain.replies().isEmpty());
        Joined state = blackAgain.replies().get(0).getJoined();
        assertThat(state.getLastSequence()).isEqualTo(LAST + 1);
        assertThat(state.getChatHistoryList()).extracting(ChatMessage::getText).endsWith("held");
    }

    /** Two joins and a spell of chat (events 1 to LAST); then both players' gateways go. */
    private void busySpellThenBothGatewaysGo() {
        fixture.request(white, 1, joinChess(ROOM, Role.PLAYER, Side.WHITE));
        fixture.request(black, 2, joinChess(ROOM, Role.PLAYER, Side.BLACK));
        for (long i = 3; i <= LAST; i++) {
            fixture.request(
                    white,
                    1,
                    ClientMessage.newBuilder()
                            .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("m" + i)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> lastEventSequence(white) == LAST);
        executor.execute(() -> fixture.stripe.onLinkClosed(white));
        executor.execute(() -> fixture.stripe.onLinkClosed(black));
    }

    private static long lastEventSequence(RecordingLink link) {
        List<RoomEvent> events = link.events();
        return events.isEmpty() ? 0 : events.get(events.size() - 1).getSequence();
    }

    private void resume(RecordingLink link, long sessionId, long lastSequence) {
        Rejoin rejoin = Rejoin.newBuilder()
                .setRoomId(ROOM)
                .addSessions(RejoinSession.newBuilder()
                        .setSessionId(sessionId)
                        .setParticipantId("p" + sessionId)
                        .setLastSequence(lastSequence))
                .build();
        executor.execute(() -> fixture.stripe.onRejoin(link, rejoin));
    }
}
