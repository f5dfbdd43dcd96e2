package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.routing.RouterHarness.move;

import org.junit.jupiter.api.Test;
import roomgate.gateway.routing.RouterHarness.Client;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.v1.ServerMessage;

/**
 * A client resuming on a gateway that never seated it (its own gateway died): its resume goes
 * where hashing says, and {@code Resumed.owner_node_id} names the node that seated it again, which
 * is where its room's requests go from then on. Resumed and the client's earlier Joined name
 * different nodes only if the room moved in between.
 */
class RouterResumeTest {
    private final RouterHarness h = new RouterHarness("n1", "n2", "n3");

    @Test
    void aResumeRedirectedToTheRoomsOwnerNamesThatOwnerAndItsMovesGoThere() {
        // Hashing places the room on n1, but n2 owns it (created there while the dead gateway's view
        // lacked n1, say): the client's Joined named n2.
        String roomId = h.roomOn("n1");
        Client client = h.client(1);

        h.router.resume(client.session, roomId, 5, "r1");
        Rejoin asked = h.node("n1").sent().get(0).getRejoin();
        assertThat(asked.getSessions(0).getRequestId()).isEqualTo("r1");
        assertThat(asked.getSessions(0).getLastSequence()).isEqualTo(5);
        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder()
                                .setRoomId(roomId)
                                .setOk(false)
                                .setOwnerNodeId("n2")
                                .setRejoin(asked.toBuilder().setHops(1)))
                        .build());
        Rejoin forwarded = h.node("n2").sent().get(0).getRejoin();
        assertThat(forwarded.getSessions(0).getRequestId()).isEqualTo("r1");
        h.node("n2")
                .send(LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder()
                                .setRoomId(roomId)
                                .setOk(true)
                                .setOwnerNodeId("n2")
                                .setEpoch(1)
                                .setRejoin(forwarded))
                        .build());

        ServerMessage resumed = client.received().get(0);
        assertThat(resumed.getRequestId()).isEqualTo("r1");
        assertThat(resumed.getResumed().getRoomIdsList()).containsExactly(roomId);
        assertThat(resumed.getResumed().getOwnerNodeId())
                .as("the owner that seated it, not the node hashing named")
                .isEqualTo("n2");

        h.router.forward(client.session, move(roomId, "m1", "e2e4"), roomId);
        assertThat(h.node("n2").nextRequest().getMessage().getRequestId()).isEqualTo("m1");
        assertThat(h.node("n1").sent()).isEmpty();
    }
}
