package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.routing.RouterHarness.join;
import static roomgate.gateway.routing.RouterHarness.joinedReply;
import static roomgate.gateway.routing.RouterHarness.move;

import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.gateway.routing.RouterHarness.Client;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Redirect;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/** Where a room request goes: the node rendezvous hashing picks, or the owner a node redirects to. */
class RouterPlacementTest {
    private final RouterHarness h = new RouterHarness("n1", "n2", "n3");

    @Test
    void everyLiveNodeGetsALinkAtStartUpThatOpensWithHello() {
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(h.connectsTo(id)).isEqualTo(1);
            List<LinkFrame> frames = h.node(id).frames();
            assertThat(frames).hasSize(1);
            assertThat(frames.get(0).getHello().getGatewayId()).isEqualTo("gw-test");
        }
    }

    @Test
    void aRequestForARoomNewToTheLoopGoesToTheNodeRendezvousHashingPicks() {
        Client client = h.client(1);
        // One room per node, so a router that always picked the same node (or any other rule) fails.
        for (String id : List.of("n1", "n2", "n3")) {
            h.node(id).frames();
        }
        for (String id : List.of("n1", "n2", "n3")) {
            String roomId = h.roomOn(id);
            h.router.forward(client.session, join(roomId, "j-" + id), roomId);
        }

        for (String id : List.of("n1", "n2", "n3")) {
            SessionRequest request = h.node(id).nextRequest();
            assertThat(request.getMessage()).isEqualTo(join(h.roomOn(id), "j-" + id));
            assertThat(request.getSessionId()).isEqualTo(1);
            assertThat(request.getParticipantId()).isEqualTo("p1");
            assertThat(request.getUnreachableNodeIdsList()).isEmpty();
        }
    }

    @Test
    void aRedirectIsFollowedToTheOwnerWhichThenServesTheRoom() {
        Client client = h.client(1);
        String roomId = h.roomOn("n1");
        h.router.forward(client.session, join(roomId, "j1"), roomId);
        SessionRequest request = h.node("n1").nextRequest();
        h.node("n2").frames();
        h.node("n3").frames();

        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setRedirect(Redirect.newBuilder()
                                .setRoomId(roomId)
                                .setOwnerNodeId("n3")
                                .setRequest(request))
                        .build());

        assertThat(h.node("n3").nextRequest())
                .as("the same request, sent on to the owner")
                .isEqualTo(request);
        assertThat(h.node("n1").sent()).isEmpty();
        assertThat(h.node("n2").sent()).isEmpty();
        assertThat(client.received()).as("a redirect is not an answer").isEmpty();

        h.node("n3")
                .send(LinkFrame.newBuilder()
                        .setReply(joinedReply(request, "n3", 0))
                        .build());
        List<ServerMessage> answers = client.received();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).getRequestId()).isEqualTo("j1");
        assertThat(answers.get(0).getJoined().getOwnerNodeId()).isEqualTo("n3");

        // Seated at n3 now: the room's requests go there, not where the hash points.
        h.router.forward(client.session, move(roomId, "m1", "e2e4"), roomId);
        assertThat(h.node("n3").nextRequest().getMessage()).isEqualTo(move(roomId, "m1", "e2e4"));
        assertThat(h.node("n1").sent()).isEmpty();
    }

    @Test
    void aRedirectToANodeNotInTheViewIsRefusedToTheClient() {
        Client client = h.client(1);
        String roomId = h.roomOn("n2");
        h.router.forward(client.session, join(roomId, "j1"), roomId);
        SessionRequest request = h.node("n2").nextRequest();

        h.node("n2")
                .send(LinkFrame.newBuilder()
                        .setRedirect(Redirect.newBuilder()
                                .setRoomId(roomId)
                                .setOwnerNodeId("n9")
                                .setRequest(request))
                        .build());

        List<ServerMessage> answers = client.received();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).getRequestId()).isEqualTo("j1");
        assertThat(answers.get(0).getError().getCode()).isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
        assertThat(answers.get(0).getError().getRoomId()).isEqualTo(roomId);
        assertThat(answers.get(0).getError().getMessage())
                .isEqualTo("room '" + roomId + "' is owned by node n9, which cannot be reached now; retry");
        assertThat(h.connectsTo("n9")).isZero();
    }
}
