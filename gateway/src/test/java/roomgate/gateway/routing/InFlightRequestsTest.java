package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;

/** Which requests are still with a node, so that the clients of a lost node hear of them at once. */
class InFlightRequestsTest {
    private final InFlightRequests inFlight = new InFlightRequests();

    private static SessionRequest move(long session, String requestId) {
        return SessionRequest.newBuilder()
                .setSessionId(session)
                .setMessage(ClientMessage.newBuilder()
                        .setRequestId(requestId)
                        .setMove(ChessMove.newBuilder().setRoomId("r").setUci("e2e4")))
                .build();
    }

    @Test
    void aLostNodeGivesBackExactlyTheRequestsItHadNotAnswered() {
        inFlight.sent(move(1, "a"), "n1", "r1");
        inFlight.sent(move(1, "b"), "n1", "r1");
        inFlight.sent(move(2, "a"), "n2", "r2");
        inFlight.answered(1, io.netty.buffer.Unpooled.copiedBuffer("a", java.nio.charset.StandardCharsets.UTF_8));

        assertThat(inFlight.lostWith("n1")).containsExactly(new InFlightRequests.Lost(1, "b", "r1"));
        assertThat(inFlight.lostWith("n1")).as("told once").isEmpty();
        assertThat(inFlight.size()).as("n2's request stays").isEqualTo(1);
    }

    @Test
    void aResentRequestBelongsToTheNodeItWentToLast() {
        inFlight.sent(move(1, "a"), "n1", "r1");
        inFlight.sent(move(1, "a"), "n2", "r1");
        assertThat(inFlight.lostWith("n1")).isEmpty();
        assertThat(inFlight.lostWith("n2")).hasSize(1);
    }

    @Test
    void unansweredKindsAndRequestsWithoutIdAreNotTrackedAndClosedSessionsAreForgotten() {
        inFlight.sent(move(1, ""), "n1", "r1");
        inFlight.sent(
                SessionRequest.newBuilder()
                        .setSessionId(1)
                        .setMessage(ClientMessage.newBuilder()
                                .setRequestId("input")
                                .setArenaInput(ArenaInput.newBuilder().setRoomId("a")))
                        .build(),
                "n1",
                "a");
        assertThat(inFlight.size()).isZero();

        inFlight.sent(move(3, "x"), "n1", "r1");
        inFlight.sessionClosed(3);
        assertThat(inFlight.lostWith("n1")).isEmpty();
    }

    @Test
    void emptiedCompletesOnlyOnceTheLastPendingRequestIsAnsweredOrLost() {
        assertThat(inFlight.emptied()).as("nothing pending").isDone();
        inFlight.sent(move(1, "a"), "n1", "r1");
        inFlight.sent(move(2, "b"), "n2", "r2");

        java.util.concurrent.CompletableFuture<Void> emptied = inFlight.emptied();
        inFlight.answered(1, "a");
        assertThat(emptied).as("n2's request is still pending").isNotDone();
        inFlight.lostWith("n2");
        assertThat(emptied).isDone();

        inFlight.sent(move(3, "c"), "n1", "r1");
        java.util.concurrent.CompletableFuture<Void> again = inFlight.emptied();
        assertThat(again).isNotDone();
        inFlight.sessionClosed(3);
        assertThat(again).isDone();
    }
}
