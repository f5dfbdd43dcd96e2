package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import roomgate.gateway.routing.RouterHarness.Client;
import roomgate.gateway.routing.RouterHarness.FakeNode;
import roomgate.protocol.link.v1.HandoffDone;
import roomgate.protocol.link.v1.HandoffStart;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Redirect;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.RoomLost;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ServerMessage;
import roomgate.testsupport.fuzz.LinkFuzz;

/**
 * Fuzzes the gateway's end of a node link (the link framing and {@link NodeLink}, in front of a
 * router with a seated client): random bytes and mutated node frames (replies, broadcasts, redirects,
 * handoffs, rejoin results, lost rooms) for the client's room and others. No exception escapes the
 * link's pipeline or reaches the client's; a corrupt stream closes the link, and the router still
 * routes a request afterwards. What a broadcast carries for clients is not checked: the gateway
 * passes a room event's bytes on unparsed, trusting the node. Seeded: {@code -Dfuzz.seed=N} repeats a run.
 */
class NodeLinkFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

    static void fuzz(String what, int tries, Consumer<Random> check) {
        for (int i = 0; i < tries; i++) {
            try {
                check.accept(new Random(SEED * 1_000_003L + i));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(what + ": try " + i + " failed; -Dfuzz.seed=" + SEED + " repeats it", e);
            }
        }
    }

    private static LinkFrame frame(Random r, String room, long sessionId) {
        String roomId = r.nextBoolean() ? room : "other-" + r.nextInt(5);
        byte[] garbage = new byte[r.nextInt(64)];
        r.nextBytes(garbage);
        ServerMessage message = ServerMessage.newBuilder().setRequestId("x").build();
        return switch (r.nextInt(7)) {
            case 0 -> RouterHarness.broadcast(roomId, r.nextInt(20), r.nextBoolean() ? sessionId : r.nextLong(), "r");
            case 1 ->
                LinkFrame.newBuilder()
                        .setReply(SessionReply.newBuilder()
                                .setSessionId(r.nextBoolean() ? sessionId : r.nextLong())
                                .setServerMessage(message.toByteString())
                                .setJoinedRoomId(r.nextBoolean() ? roomId : "")
                                .setLeftRoomId(r.nextBoolean() ? roomId : "")
                                .setSequence(r.nextInt(20))
                                .setRequestId("x"))
                        .build();
            case 2 ->
                LinkFrame.newBuilder()
                        .setRedirect(Redirect.newBuilder()
                                .setRoomId(roomId)
                                .setOwnerNodeId(r.nextBoolean() ? "n1" : "n" + r.nextInt(4))
                                .setRequest(SessionRequest.newBuilder()
                                        .setSessionId(sessionId)
                                        .setParticipantId("p1")
                                        .setMessage(RouterHarness.move(roomId, "m", "e2e4"))))
                        .build();
            case 3 ->
                LinkFrame.newBuilder()
                        .setHandoffStart(HandoffStart.newBuilder().setRoomId(roomId))
                        .build();
            case 4 ->
                LinkFrame.newBuilder()
                        .setHandoffDone(
                                HandoffDone.newBuilder().setRoomId(roomId).setNewOwnerNodeId("n" + r.nextInt(4)))
                        .build();
            case 5 ->
                LinkFrame.newBuilder()
                        .setRejoinResult(RejoinResult.newBuilder().setRoomId(roomId))
                        .build();
            default ->
                LinkFrame.newBuilder()
                        .setRoomLost(RoomLost.newBuilder().setRoomId(roomId))
                        .build();
        };
    }

    @Test
    void nothingANodeSendsEscapesTheLinkOrReachesAClientAsAnError() {
        fuzz("node link", 120, r -> {
            RouterHarness h = new RouterHarness("n1", "n2");
            String room = h.roomOn("n1");
            Client client = h.client(1);
            h.seat(client, room, "n1", 3);
            FakeNode node = h.node("n1");
            node.frames();
            for (int n = 1 + r.nextInt(12); n > 0 && node.channel.isOpen(); n--) {
                byte[] bytes;
                if (r.nextInt(5) == 0) {
                    bytes = new byte[r.nextInt(256)];
                    r.nextBytes(bytes);
                } else {
                    bytes = LinkFuzz.mutated(r, LinkFuzz.framed(frame(r, room, client.session.id())), 2);
                }
                // Rethrows any exception that reached the end of the link's pipeline.
                node.channel.writeInbound(Unpooled.wrappedBuffer(bytes));
                h.advance(r.nextInt(3), java.util.concurrent.TimeUnit.SECONDS);
            }
            client.channel.checkException();
            // Not parsed: a broadcast's event bytes go to binary clients as the node wrote them, so a
            // mutated event reaches the client mutated (the link is trusted; see the class comment).
            for (Object out; (out = client.channel.readOutbound()) != null; ) {
                io.netty.util.ReferenceCountUtil.release(out);
            }
            // The router still takes a request for the room, and sends it on or refuses it.
            h.router.forward(client.session, RouterHarness.move(room, "after", "e2e4"), room);
            client.channel.checkException();
            assertThat(client.channel.isOpen()).isTrue();
        });
    }
}
