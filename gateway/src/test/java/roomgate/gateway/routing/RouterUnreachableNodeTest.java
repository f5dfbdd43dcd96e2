package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.routing.RouterHarness.join;
import static roomgate.gateway.routing.RouterHarness.move;
import static roomgate.gateway.routing.UnreachableNodes.PROBE_FIRST_MILLIS;
import static roomgate.gateway.routing.UnreachableNodes.PROBE_MAX_MILLIS;

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
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/**
 * A node whose link failed: not placed on and named in every request while it is unreachable,
 * probed with new links meanwhile, placed on again once a probe completes its handshake, and its
 * unanswered requests reported at once.
 */
class RouterUnreachableNodeTest {
    private final RouterHarness h = new RouterHarness("n1", "n2", "n3");
    private final String roomId = h.roomOn("n1");
    private final String successor = h.view().ownerOf(roomId, Set.of("n1")).nodeId();

    {
        // The links made so far are up; a probe is answered by the test, when it chooses to.
        h.answerNewLinks(RouterHarness.Handshake.CHALLENGE);
    }

    @Test
    void aNodeWhoseLinkFailedIsNotPlacedOnAndIsNamedInRequestsUntilAProbeCompletesItsHandshake() {
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

        // The probe: a new link once the first pause has passed, carrying nothing but the handshake.
        h.advance(PROBE_FIRST_MILLIS - 1, TimeUnit.MILLISECONDS);
        assertThat(h.connectsTo("n1")).isEqualTo(1);
        h.advance(1, TimeUnit.MILLISECONDS);
        assertThat(h.connectsTo("n1")).isEqualTo(2);
        assertThat(h.node("n1").frames())
                .singleElement()
                .satisfies(f -> assertThat(f.hasHello()).isTrue());

        // Connected but not welcomed yet: still unreachable.
        h.router.forward(client.session, join(roomId, "j2"), roomId);
        assertThat(h.node(successor).nextRequest().getUnreachableNodeIdsList()).containsExactly("n1");
        assertThat(h.reachable).isEmpty();

        h.node("n1").welcome();
        assertThat(h.reachable).extracting(NodeInfo::nodeId).containsExactly("n1");
        h.router.forward(client.session, join(roomId, "j3"), roomId);
        assertThat(h.node("n1").sent()).singleElement().satisfies(f -> {
            assertThat(f.getRequest().getMessage().getRequestId()).isEqualTo("j3");
            assertThat(f.getRequest().getUnreachableNodeIdsList()).isEmpty();
        });
        assertThat(h.connectsTo("n1")).as("over the probe's link").isEqualTo(2);
        assertThat(h.node(successor).sent()).isEmpty();
        assertThat(client.received()).isEmpty();

        h.advance(10, TimeUnit.SECONDS);
        assertThat(h.connectsTo("n1")).as("no probe once the mark has ended").isEqualTo(2);
    }

    @Test
    void whileTheNodeCannotBeReachedItIsProbedLessAndLessOftenAndStaysUnreachable() {
        h.node("n1").fail();
        int connects = 1;
        for (long pause : new long[] {PROBE_FIRST_MILLIS, 400, 800, PROBE_MAX_MILLIS, PROBE_MAX_MILLIS}) {
            h.advance(pause - 1, TimeUnit.MILLISECONDS);
            assertThat(h.connectsTo("n1")).as("not before %d ms", pause).isEqualTo(connects);
            h.advance(1, TimeUnit.MILLISECONDS);
            assertThat(h.connectsTo("n1")).as("after %d ms", pause).isEqualTo(++connects);
            h.node("n1").fail(); // the connection fails, as it does through a cut
        }
        assertThat(h.marked).as("one mark, however many probes failed").hasSize(1);
        assertThat(h.unreachable.ids()).containsExactly("n1");
        assertThat(h.reachable).isEmpty();
    }

    @Test
    void aProbeAnsweredAfterALaterFailureEndsNoMarkAndTheNextProbeIsAFreshLink() {
        h.node("n1").fail();
        h.advance(PROBE_FIRST_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(h.connectsTo("n1")).isEqualTo(2);
        // Another loop's link to n1 fails after the probe opened: that is the newer news.
        h.advance(1, TimeUnit.MILLISECONDS);
        h.unreachable.mark(h.node("n1").info);
        h.node("n1").welcome();
        assertThat(h.reachable).isEmpty();
        assertThat(h.unreachable.ids()).containsExactly("n1");

        h.advance(400, TimeUnit.MILLISECONDS);
        assertThat(h.node("n1").channel.isOpen())
                .as("the next probe closes the answered link")
                .isFalse();
        h.advance(800, TimeUnit.MILLISECONDS);
        assertThat(h.connectsTo("n1")).as("and the one after opens a fresh one").isEqualTo(3);
        h.node("n1").welcome();
        assertThat(h.reachable).extracting(NodeInfo::nodeId).containsExactly("n1");
        assertThat(h.unreachable.ids()).isEmpty();
    }

    @Test
    void aRoomWhoseMoveIsStillAskedForStaysWithItsNodeOnceTheNodeIsReachableAgain() {
        Client white = h.client(1);
        h.seat(white, roomId, "n1", 5);
        h.node("n1").fail();
        // The successor cannot take the room yet (its claim failed: no quorum, say): asked again.
        Rejoin first = h.node(successor).sent().get(0).getRejoin();
        assertThat(first.getUnreachableNodeIdsList()).containsExactly("n1");
        h.node(successor).send(notNow(first));

        // n1 answers the probe (the cut healed): its mark ends before the move is asked again.
        h.advance(PROBE_FIRST_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(h.node(successor).sent())
                .as("asked again while n1 was still marked")
                .singleElement()
                .satisfies(f ->
                        assertThat(f.getRejoin().getUnreachableNodeIdsList()).containsExactly("n1"));
        h.node("n1").welcome();
        h.router.onNodeReachable(h.node("n1").info);
        h.node(successor).send(notNow(first));
        h.advance(RoomMoves.REJOIN_RETRY_MILLIS, TimeUnit.MILLISECONDS);

        // Asked of n1 now, naming nobody unreachable: n1, its live owner, keeps it, and no node takes it over.
        assertThat(h.node(successor).sent()).isEmpty();
        Rejoin again = h.node("n1").sent().get(0).getRejoin();
        assertThat(again.getRoomId()).isEqualTo(roomId);
        assertThat(again.getUnreachableNodeIdsList()).isEmpty();
        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder()
                                .setRoomId(roomId)
                                .setOk(true)
                                .setOwnerNodeId("n1")
                                .setEpoch(1)
                                .setRejoin(again))
                        .build());
        assertThat(white.received())
                .singleElement()
                .satisfies(m -> assertThat(m.getRoomMoved().getOwnerNodeId()).isEqualTo("n1"));
        h.router.forward(white.session, move(roomId, "m1", "e2e4"), roomId);
        assertThat(h.node("n1").nextRequest().getMessage().getRequestId()).isEqualTo("m1");
    }

    private static LinkFrame notNow(Rejoin rejoin) {
        return LinkFrame.newBuilder()
                .setRejoinResult(RejoinResult.newBuilder()
                        .setRoomId(rejoin.getRoomId())
                        .setOk(false)
                        .setCode(ErrorCode.ROOM_UNAVAILABLE)
                        .setRejoin(rejoin))
                .build();
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
        h.node("n1").welcome();
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
