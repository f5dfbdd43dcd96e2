package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void aLostNodeTakesItsRequestsOutOfTheMiddleOfASessionsQueueAndLeavesTheOthersAnswerable() {
        inFlight.sent(move(7, "1"), "n1", "r1");
        inFlight.sent(move(7, "2"), "n2", "r2");
        inFlight.sent(move(7, "3"), "n1", "r1");
        inFlight.sent(move(7, "4"), "n2", "r2");
        inFlight.sent(move(8, "1"), "n1", "r1");

        assertThat(inFlight.lostWith("n1"))
                .containsExactlyInAnyOrder(
                        new InFlightRequests.Lost(7, "1", "r1"),
                        new InFlightRequests.Lost(7, "3", "r1"),
                        new InFlightRequests.Lost(8, "1", "r1"));
        assertThat(inFlight.size()).isEqualTo(2);
        inFlight.answered(7, utf8("4"));
        inFlight.answered(7, "2");
        assertThat(inFlight.size()).isZero();
        assertThat(inFlight.lostWith("n2")).isEmpty();
    }

    @Test
    void requestIdsAreMatchedByTheirWholeUtf8Bytes() {
        assertThat(InFlightRequests.sameId("rq-17", utf8("rq-17"))).isTrue();
        assertThat(InFlightRequests.sameId("rq-17", utf8("rq-1")))
                .as("a prefix")
                .isFalse();
        assertThat(InFlightRequests.sameId("rq-1", utf8("rq-17"))).as("longer").isFalse();
        assertThat(InFlightRequests.sameId("rq-17", utf8("rq-18"))).isFalse();
        assertThat(InFlightRequests.sameId("zug-ä", utf8("zug-ä")))
                .as("not ASCII")
                .isTrue();
        assertThat(InFlightRequests.sameId("zug-ä", utf8("zug-a"))).isFalse();
        assertThat(InFlightRequests.sameId("ä", utf8("Ã¤")))
                .as("the same bytes read as Latin-1")
                .isFalse();
        ByteBuf inFrame = utf8("xxrq-17yy").slice(2, 5);
        assertThat(InFlightRequests.sameId("rq-17", inFrame))
                .as("a view inside a frame")
                .isTrue();

        inFlight.sent(move(3, "zug-ä"), "n1", "r1");
        inFlight.answered(3, utf8("zug-ä"));
        assertThat(inFlight.size()).isZero();
    }

    /**
     * A room event answers its origin's request from the link frame's bytes: thousands of them,
     * as a busy loop has, are looked up and removed without a String (or anything else) allocated.
     */
    @Test
    void answeringFromAnEventsBytesAllocatesNothing() {
        int requests = 20_000;
        List<ByteBuf> ids = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            ids.add(utf8("b" + (100_000 + i)));
        }
        // Once to warm up (class loading, compilation), then measured.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < requests; i++) {
                // Session ids as one loop of two sees them; two requests out for some.
                inFlight.sent(move(1 + 2L * (i / 2), "b" + (100_000 + i)), "n1", "r1");
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < requests; i++) {
                inFlight.answered(1 + 2L * (i / 2), ids.get(i));
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertThat(inFlight.size()).isZero();
            if (round == 1) {
                assertThat(allocated)
                        .as("bytes allocated answering %d requests", requests)
                        .isLessThan(requests);
            }
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
