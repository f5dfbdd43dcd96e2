package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.routing.RouterHarness.broadcast;
import static roomgate.gateway.routing.RouterHarness.chat;
import static roomgate.gateway.routing.RouterHarness.move;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.routing.RouterHarness.Client;
import roomgate.protocol.link.v1.HandoffDone;
import roomgate.protocol.link.v1.HandoffReady;
import roomgate.protocol.link.v1.HandoffStart;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Redirect;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/**
 * A room moving under its sessions: a drain's handoff, a lost node, and a move that cannot finish.
 * Its requests wait, its sessions are rejoined at the new owner, and the requests then go out in
 * the order they came; or, past the give-up window, the clients are told to join again.
 */
class RouterRoomMoveTest {
    private final RouterHarness h = new RouterHarness("n1", "n2", "n3");
    private String roomId;
    private Client a;
    private Client b;

    @BeforeEach
    void seatTwoSessionsAtN1() {
        roomId = h.roomOn("n1");
        a = h.client(1);
        b = h.client(2);
        h.seat(a, roomId, "n1", 3);
        h.seat(b, roomId, "n1", 3);
        h.node("n1").send(broadcast(roomId, 7, 0, ""));
        a.received();
        b.received();
        for (String id : List.of("n1", "n2", "n3")) {
            h.node(id).frames();
        }
    }

    @Test
    void aHandoffHoldsTheRoomsRequestsRejoinsItsSessionsAtTheNewOwnerAndThenSendsThemInOrder() {
        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setHandoffStart(HandoffStart.newBuilder().setRoomId(roomId))
                        .build());
        assertThat(h.node("n1").sent())
                .as("the node is told at once that nothing more comes for the room")
                .containsExactly(LinkFrame.newBuilder()
                        .setHandoffReady(HandoffReady.newBuilder().setRoomId(roomId))
                        .build());

        h.router.forward(a.session, move(roomId, "m1", "e2e4"), roomId);
        h.router.forward(b.session, chat(roomId, "c1", "hi"), roomId);
        h.router.forward(a.session, move(roomId, "m2", "d2d4"), roomId);
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(h.node(id).sent()).as("held, not sent to " + id).isEmpty();
        }

        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setHandoffDone(
                                HandoffDone.newBuilder().setRoomId(roomId).setNewOwnerNodeId("n2"))
                        .build());

        List<LinkFrame> toN2 = h.node("n2").sent();
        assertThat(toN2)
                .as("the rejoin alone: the held requests wait for its answer")
                .hasSize(1);
        Rejoin rejoin = toN2.get(0).getRejoin();
        assertThat(rejoin.getRoomId()).isEqualTo(roomId);
        assertThat(rejoin.getSessionsList())
                .containsExactly(
                        RejoinSession.newBuilder()
                                .setSessionId(1)
                                .setParticipantId("p1")
                                .setLastSequence(7)
                                .build(),
                        RejoinSession.newBuilder()
                                .setSessionId(2)
                                .setParticipantId("p2")
                                .setLastSequence(7)
                                .build());
        assertThat(rejoin.getUnreachableNodeIdsList()).isEmpty();
        assertThat(h.node("n1").sent()).isEmpty();
        assertThat(h.node("n3").sent()).isEmpty();

        h.node("n2")
                .send(LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder()
                                .setRoomId(roomId)
                                .setOk(true)
                                .setOwnerNodeId("n2")
                                .setRejoin(rejoin))
                        .build());

        for (Client client : List.of(a, b)) {
            List<ServerMessage> told = client.received();
            assertThat(told).hasSize(1);
            assertThat(told.get(0).getRoomMoved().getRoomId()).isEqualTo(roomId);
            assertThat(told.get(0).getRoomMoved().getOwnerNodeId()).isEqualTo("n2");
        }
        assertThat(h.node("n2").sent())
                .extracting(f -> f.getRequest().getMessage())
                .as("released in the order they came")
                .containsExactly(move(roomId, "m1", "e2e4"), chat(roomId, "c1", "hi"), move(roomId, "m2", "d2d4"));

        // The room is at n2 now, for both sessions.
        h.router.forward(b.session, move(roomId, "m3", "e7e5"), roomId);
        assertThat(h.node("n2").nextRequest().getMessage().getRequestId()).isEqualTo("m3");
        assertThat(h.node("n1").sent()).isEmpty();
    }

    @Test
    void aRedirectFromTheNodeTheRoomIsSeatedOnMovesTheRoomToTheOwnerBeforeTheRequestIsSentThere() {
        h.router.forward(a.session, move(roomId, "m1", "e2e4"), roomId);
        SessionRequest request = h.node("n1").nextRequest();

        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setRedirect(Redirect.newBuilder()
                                .setRoomId(roomId)
                                .setOwnerNodeId("n3")
                                .setRequest(request))
                        .build());

        List<LinkFrame> toN3 = h.node("n3").sent();
        assertThat(toN3).as("the rejoin first; the request waits for it").hasSize(1);
        Rejoin rejoin = toN3.get(0).getRejoin();
        assertThat(rejoin.getSessionsList())
                .extracting(RejoinSession::getSessionId)
                .containsExactly(1L, 2L);
        assertThat(h.node("n1").sent()).isEmpty();

        h.node("n3")
                .send(LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder()
                                .setRoomId(roomId)
                                .setOk(true)
                                .setOwnerNodeId("n3")
                                .setRejoin(rejoin))
                        .build());

        assertThat(a.received())
                .extracting(m -> m.getRoomMoved().getOwnerNodeId())
                .containsExactly("n3");
        assertThat(b.received())
                .extracting(m -> m.getRoomMoved().getOwnerNodeId())
                .containsExactly("n3");
        assertThat(h.node("n3").nextRequest().getMessage()).isEqualTo(move(roomId, "m1", "e2e4"));
    }

    @Test
    void whenItsNodeIsLostTheRoomsSessionsAreRejoinedAtTheSuccessorNamingTheLostNode() {
        String successor = h.view().ownerOf(roomId, Set.of("n1")).nodeId();
        String bystander = successor.equals("n2") ? "n3" : "n2";

        h.node("n1").fail();

        List<LinkFrame> toSuccessor = h.node(successor).sent();
        assertThat(toSuccessor).hasSize(1);
        Rejoin rejoin = toSuccessor.get(0).getRejoin();
        assertThat(rejoin.getRoomId()).isEqualTo(roomId);
        assertThat(rejoin.getSessionsList())
                .extracting(RejoinSession::getSessionId)
                .containsExactly(1L, 2L);
        assertThat(rejoin.getSessionsList())
                .allSatisfy(s -> assertThat(s.getLastSequence()).isEqualTo(7));
        assertThat(rejoin.getUnreachableNodeIdsList())
                .as("so that it may take the room over")
                .containsExactly("n1");
        assertThat(h.node(bystander).sent()).isEmpty();

        h.router.forward(a.session, move(roomId, "m1", "e2e4"), roomId);
        assertThat(h.node(successor).sent()).as("held while the room moves").isEmpty();

        h.node(successor)
                .send(LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder()
                                .setRoomId(roomId)
                                .setOk(true)
                                .setOwnerNodeId(successor)
                                .setRejoin(rejoin))
                        .build());

        assertThat(a.received())
                .extracting(m -> m.getRoomMoved().getOwnerNodeId())
                .containsExactly(successor);
        assertThat(b.received())
                .extracting(m -> m.getRoomMoved().getOwnerNodeId())
                .containsExactly(successor);
        SessionRequest released = h.node(successor).nextRequest();
        assertThat(released.getMessage()).isEqualTo(move(roomId, "m1", "e2e4"));
        assertThat(released.getUnreachableNodeIdsList()).containsExactly("n1");
    }

    @Test
    void aRejoinRefusedForNowIsRetriedUntilTheWindowEndsAndThenTheClientsAreToldToJoinAgain() {
        // The node is gone from the view as well: no retry of it can interfere with the successor's.
        h.setView("n2", "n3");
        String successor = h.view().ownerOf(roomId).nodeId();
        h.node("n1").fail();
        h.router.forward(a.session, move(roomId, "m1", "e2e4"), roomId);
        long window = TimeUnit.NANOSECONDS.toMillis(RoomMoves.REJOIN_GIVE_UP_NANOS);
        int expectedTries = (int) (window / RoomMoves.REJOIN_RETRY_MILLIS) + 1;
        long waited = 0;
        int tries = 0;
        // A claim that keeps failing: the node answers "not now" every time. Bounded, so that a
        // router that never gives up fails the test instead of hanging it.
        while (tries < expectedTries + 5) {
            List<LinkFrame> sent = h.node(successor).sent();
            if (sent.isEmpty()) {
                break;
            }
            assertThat(sent)
                    .singleElement()
                    .satisfies(f -> assertThat(f.hasRejoin()).isTrue());
            tries++;
            assertThat(a.received())
                    .as("seated and waiting, " + waited + " ms in")
                    .isEmpty();
            assertThat(b.received()).isEmpty();
            h.node(successor).send(notNow(sent.get(0).getRejoin()));
            h.advance(RoomMoves.REJOIN_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            waited += RoomMoves.REJOIN_RETRY_MILLIS;
        }

        assertThat(tries)
                .as("one try every %d ms through the %d ms window", RoomMoves.REJOIN_RETRY_MILLIS, window)
                .isEqualTo(expectedTries);
        String message = "no game node could take room '" + roomId + "' over in time; join it again";
        List<ServerMessage> toA = a.received();
        assertThat(toA).hasSize(2);
        assertThat(toA.get(0).getRequestId()).as("the held request is refused").isEqualTo("m1");
        assertThat(toA.get(0).getError().getCode()).isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
        assertThat(toA.get(0).getError().getMessage()).isEqualTo(message);
        assertThat(toA.get(1).getRequestId()).isEmpty();
        assertThat(toA.get(1).getError().getCode()).isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
        assertThat(toA.get(1).getError().getRoomId()).isEqualTo(roomId);
        assertThat(toA.get(1).getError().getMessage()).isEqualTo(message);
        assertThat(b.received()).singleElement().satisfies(m -> {
            assertThat(m.getError().getCode()).isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
            assertThat(m.getError().getMessage()).isEqualTo(message);
        });
        assertThat(a.session.rooms()).doesNotContain(roomId);
        assertThat(b.session.rooms()).doesNotContain(roomId);

        // Given up: no more tries, and a new request for the room is routed afresh, not held.
        h.advance(1, TimeUnit.SECONDS);
        assertThat(h.node(successor).sent()).isEmpty();
        h.router.forward(a.session, move(roomId, "m2", "e2e4"), roomId);
        assertThat(h.node(successor).nextRequest().getMessage().getRequestId()).isEqualTo("m2");
    }

    @Test
    void aRejoinRefusedForGoodFailsAtOnceWithTheNodesMessage() {
        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setHandoffDone(
                                HandoffDone.newBuilder().setRoomId(roomId).setNewOwnerNodeId("n2"))
                        .build());
        Rejoin rejoin = h.node("n2").sent().get(0).getRejoin();

        h.node("n2")
                .send(LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder()
                                .setRoomId(roomId)
                                .setOk(false)
                                .setCode(ErrorCode.INVALID_ARGUMENT)
                                .setMessage("room type changed")
                                .setRejoin(rejoin))
                        .build());

        for (Client client : List.of(a, b)) {
            assertThat(client.received()).singleElement().satisfies(m -> {
                assertThat(m.getError().getCode()).isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
                assertThat(m.getError().getMessage()).isEqualTo("room type changed");
            });
        }
        h.advance(1, TimeUnit.SECONDS);
        assertThat(h.node("n2").sent()).as("not retried").isEmpty();
    }

    private LinkFrame notNow(Rejoin rejoin) {
        return LinkFrame.newBuilder()
                .setRejoinResult(RejoinResult.newBuilder()
                        .setRoomId(rejoin.getRoomId())
                        .setOk(false)
                        .setCode(ErrorCode.ROOM_UNAVAILABLE)
                        .setMessage("claim failed; no quorum")
                        .setRejoin(rejoin))
                .build();
    }

    @Test
    void notInRoomFromTheNodeASessionIsSeatedOnRejoinsTheRoomsSessionsThereInsteadOfLeavingThemStuck() {
        h.router.forward(a.session, move(roomId, "m1", "e2e4"), roomId);
        SessionRequest request = h.node("n1").nextRequest();
        h.node("n1").send(notInRoom(request));

        assertThat(a.received())
                .extracting(m -> m.getError().getCode())
                .as("the answer itself is passed on")
                .containsExactly(ErrorCode.NOT_IN_ROOM);
        List<LinkFrame> toN1 = h.node("n1").sent();
        assertThat(toN1)
                .as("the room's sessions are rejoined at the node that lost them")
                .hasSize(1);
        Rejoin rejoin = toN1.get(0).getRejoin();
        assertThat(rejoin.getRoomId()).isEqualTo(roomId);
        assertThat(rejoin.getSessionsList())
                .extracting(RejoinSession::getSessionId)
                .containsExactly(1L, 2L);

        // The node has a's seat in its record but not b's: a is seated again, b told to join again.
        h.node("n1")
                .send(LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder()
                                .setRoomId(roomId)
                                .setOk(true)
                                .setOwnerNodeId("n1")
                                .addUnknownSessionIds(2)
                                .setRejoin(rejoin))
                        .build());
        assertThat(a.received()).extracting(m -> m.getRoomMoved().getRoomId()).containsExactly(roomId);
        assertThat(b.received()).extracting(m -> m.getError().getCode()).containsExactly(ErrorCode.RESUME_REJECTED);

        h.router.forward(a.session, move(roomId, "m2", "e2e4"), roomId);
        assertThat(h.node("n1").nextRequest().getMessage().getRequestId()).isEqualTo("m2");
    }

    @Test
    void notInRoomForARoomTheSessionIsNotSeatedInHereIsOnlyPassedOn() {
        String other = "never-joined";
        h.router.forward(a.session, move(other, "m1", "e2e4"), other);
        String to = null;
        SessionRequest request = null;
        for (String id : List.of("n1", "n2", "n3")) {
            for (LinkFrame frame : h.node(id).sent()) {
                to = id;
                request = frame.getRequest();
            }
        }
        assertThat(request).as("the move went to a node").isNotNull();
        h.node(to).send(notInRoom(request));

        assertThat(a.received()).extracting(m -> m.getError().getCode()).containsExactly(ErrorCode.NOT_IN_ROOM);
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(h.node(id).sent())
                    .as("no rejoin: the gateway never seated it there")
                    .isEmpty();
        }
    }

    private static LinkFrame notInRoom(SessionRequest request) {
        String room = request.getMessage().getMove().getRoomId();
        return LinkFrame.newBuilder()
                .setReply(SessionReply.newBuilder()
                        .setSessionId(request.getSessionId())
                        .setRequestId(request.getMessage().getRequestId())
                        .setServerMessage(ServerMessage.newBuilder()
                                .setRequestId(request.getMessage().getRequestId())
                                .setError(roomgate.protocol.v1.Error.newBuilder()
                                        .setCode(ErrorCode.NOT_IN_ROOM)
                                        .setRoomId(room)
                                        .setMessage("not in room '" + room + "' (join it first)"))
                                .build()
                                .toByteString()))
                .build();
    }
}
