package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.node.registry.StripeFixture.joinChess;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roomgate.node.replication.LocalRoomStore;
import roomgate.node.replication.RoomStore;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * A room taken over by another node while its events wait for the store: every request behind
 * them is still answered — redirected to the new owner when the store refused them, or
 * {@code OUTCOME_UNKNOWN} when it may have kept them. Before this, such a request (a spectator's join
 * to a resumed node's stale room) was never answered at all.
 */
class LostRoomRequestsTest {
    private static final String ROOM = "c1";

    @RegisterExtension
    final StripeFixture<DefaultEventExecutor> fixture = StripeFixture.ofTwoNodes();
    /** Appends can be made to wait here, then go through or fail. */
    private final GatedRoomStore store = fixture.store;

    private final LocalRoomStore records = store.records();
    private final RecordingLink link = fixture.link;

    @Test
    void requestsTheStoreRefusedAreRedirectedToTheNewOwnerInOrder() {
        seatWhite();
        store.appends().close();
        spectate(2);
        fixture.request(
                1,
                "hello",
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("hi")));
        await().until(() -> store.appends().waiting() > 0);

        takeOverAs("node-b");
        store.appends().open(); // the join's append now meets node-b's epoch and is refused

        await().atMost(Duration.ofSeconds(5)).until(() -> link.redirects().size() == 2);
        assertThat(link.lostRooms()).containsExactly(ROOM);
        assertThat(link.redirects())
                .extracting(
                        r -> r.ownerNodeId() + " " + r.request().getMessage().getRequestId())
                .containsExactly("node-b spectate", "node-b hello");
        // Neither was told it happened: node-b applies them, from the record as the store has it.
        assertThat(link.replies()).extracting(ServerMessage::getRequestId).doesNotContain("spectate", "hello");
        assertThat(records.read(ROOM).toCompletableFuture().join().getEventsCount())
                .isEqualTo(1);
    }

    @Test
    void requestsWhoseAppendFailedWithoutAnAnswerAreToldTheOutcomeIsUnknown() {
        seatWhite();
        store.appends().close();
        spectate(2);
        await().until(() -> store.appends().waiting() > 0);
        fixture.request(
                1,
                "hello",
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("hi")));

        takeOverAs("node-b");
        // The first append (the join) times out: the store may have kept it. The chat behind it was
        // never sent, so the new owner may apply it.
        store.appends().fail(new IllegalStateException("operation timed out"));

        await().atMost(Duration.ofSeconds(5)).until(() -> link.redirects().size() == 1 && !errors().isEmpty());
        assertThat(errors())
                .extracting(m -> m.getRequestId() + " " + m.getError().getCode())
                .containsExactly("spectate " + ErrorCode.OUTCOME_UNKNOWN);
        assertThat(link.redirects())
                .extracting(
                        r -> r.ownerNodeId() + " " + r.request().getMessage().getRequestId())
                .containsExactly("node-b hello");
    }

    private List<ServerMessage> errors() {
        return link.replies().stream().filter(ServerMessage::hasError).toList();
    }

    private void seatWhite() {
        fixture.request(1, "white", joinChess(ROOM, Role.PLAYER, Side.WHITE));
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        link.replies().stream().anyMatch(m -> m.getRequestId().equals("white") && m.hasJoined()));
    }

    /** Session {@code sessionId} joins as a spectator, request id "spectate". */
    private void spectate(long sessionId) {
        fixture.request(sessionId, "spectate", joinChess(ROOM, Role.SPECTATOR));
    }

    private void takeOverAs(String nodeId) {
        RoomStore.Claim claim = records.claim(ROOM, nodeId, Set.of(nodeId), GameType.GAME_TYPE_UNSPECIFIED)
                .toCompletableFuture()
                .join();
        assertThat(claim.outcome()).isEqualTo(RoomStore.Claim.Outcome.CLAIMED);
    }
}
