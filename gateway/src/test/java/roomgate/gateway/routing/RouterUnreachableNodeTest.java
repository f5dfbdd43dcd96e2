package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.routing.RouterHarness.join;
import static roomgate.gateway.routing.RouterHarness.move;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import roomgate.gateway.routing.RouterHarness.Client;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/**
 * A node whose link failed: not placed on and named in every request while it is unreachable,
 * tried again once the retry interval has passed, and its unanswered requests reported at once.
 */
class RouterUnreachableNodeTest {
    private final RouterHarness h = new RouterHarness("n1", "n2", "n3");
    private final String roomId = h.roomOn("n1");
    private final String successor = h.view().ownerOf(roomId, Set.of("n1")).nodeId();

    @Test
    void aNodeWhoseLinkFailedIsNotPlacedOnAndIsNamedInRequestsUntilTheRetryInterval() {
        Client client = h.client(1);
        h.node("n1").fail();
        h.router.onViewChanged(h.view());
        assertThat(h.connectsTo("n1"))
                .as("no new link to a node just found unreachable")
                .isEqualTo(1);

        h.router.forward(client.session, join(roomId, "j1"), roomId);
        SessionRequest request = h.node(successor).nextRequest();
        assertThat(request.getMessage().getRequestId()).isEqualTo("j1");
        assertThat(request.getUnreachableNodeIdsList()).containsExactly("n1");

        // Still within the interval (it must have passed, not just been reached).
        h.advance(UnreachableNodes.RETRY_UNREACHABLE_NANOS, TimeUnit.NANOSECONDS);
        h.router.forward(client.session, join(roomId, "j2"), roomId);
        assertThat(h.node(successor).nextRequest().getUnreachableNodeIdsList()).containsExactly("n1");
        assertThat(h.connectsTo("n1")).isEqualTo(1);

        h.advance(1, TimeUnit.NANOSECONDS);
        h.router.forward(client.session, join(roomId, "j3"), roomId);
        assertThat(h.connectsTo("n1")).as("tried again: a new link").isEqualTo(2);
        List<LinkFrame> frames = h.node("n1").frames();
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).hasHello()).isTrue();
        assertThat(frames.get(1).getRequest().getMessage().getRequestId()).isEqualTo("j3");
        assertThat(frames.get(1).getRequest().getUnreachableNodeIdsList()).isEmpty();
        assertThat(h.node(successor).sent()).isEmpty();
        assertThat(client.received()).isEmpty();
    }

    @Test
    void aNodeThatRestartedAsANewMemberIsTriedAtOnce() {
        Client client = h.client(1);
        h.node("n1").fail();
        // n1 is back under the same id, as a new member (a new member uuid): no need to wait the interval.
        List<NodeInfo> nodes = new ArrayList<>(h.view().nodes());
        nodes.replaceAll(n ->
                n.nodeId().equals("n1") ? new NodeInfo("n1", n.linkHost(), n.linkPort(), 2, UUID.randomUUID()) : n);
        h.setView(NodeView.of(h.view().version() + 1, nodes));

        h.router.forward(client.session, join(roomId, "j1"), roomId);

        assertThat(h.connectsTo("n1")).isEqualTo(2);
        assertThat(h.node("n1").sent())
                .singleElement()
                .satisfies(f ->
                        assertThat(f.getRequest().getUnreachableNodeIdsList()).isEmpty());
        assertThat(h.node(successor).sent()).isEmpty();
    }

    @Test
    void requestsTheLostNodeHadNotAnsweredAreReportedAsOutcomeUnknown() {
        Client client = h.client(1);
        h.router.forward(client.session, move(roomId, "m1", "e2e4"), roomId);
        h.router.forward(client.session, move(roomId, "m2", "d2d4"), roomId);
        assertThat(h.node("n1").sent()).hasSize(2);
        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setReply(SessionReply.newBuilder()
                                .setSessionId(1)
                                .setRequestId("m1")
                                .setServerMessage(ServerMessage.newBuilder()
                                        .setRequestId("m1")
                                        .setError(roomgate.protocol.v1.Error.newBuilder()
                                                .setCode(ErrorCode.INVALID_ARGUMENT))
                                        .build()
                                        .toByteString()))
                        .build());
        assertThat(client.received()).hasSize(1);

        h.node("n1").fail();

        List<ServerMessage> told = client.received();
        assertThat(told)
                .as("m1 was answered; m2 may or may not have been applied")
                .hasSize(1);
        assertThat(told.get(0).getRequestId()).isEqualTo("m2");
        assertThat(told.get(0).getError().getCode()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
        assertThat(told.get(0).getError().getRoomId()).isEqualTo(roomId);
    }

    @Test
    void whenAnotherLoopFindsTheNodeUnreachableThisLoopDropsItsLinkAndMovesTheRoomAtOnce() {
        Client white = h.client(1);
        h.seat(white, roomId, "n1", 5);
        assertThat(h.node("n1").channel.isOpen()).isTrue();

        // What RouterGroup posts to every loop when one loop's link to n1 failed: this loop's own
        // link is still up, but the node is unreachable for the whole gateway now.
        h.unreachable.mark(h.node("n1").info);
        h.router.onNodeUnreachable(h.node("n1").info);

        assertThat(h.node("n1").channel.isOpen())
                .as("this loop's link dropped too")
                .isFalse();
        List<LinkFrame> toSuccessor = h.node(successor).sent();
        assertThat(toSuccessor).singleElement().satisfies(f -> {
            assertThat(f.getRejoin().getRoomId()).isEqualTo(roomId);
            assertThat(f.getRejoin().getSessions(0).getSessionId()).isEqualTo(1);
            assertThat(f.getRejoin().getSessions(0).getLastSequence()).isEqualTo(5);
            assertThat(f.getRejoin().getUnreachableNodeIdsList()).containsExactly("n1");
        });
        // The room's requests wait for the move instead of going to n1.
        h.router.forward(white.session, move(roomId, "m1", "e2e4"), roomId);
        assertThat(h.node(successor).sent()).isEmpty();
        assertThat(h.connectsTo("n1")).isEqualTo(1);
    }
}
