package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.routing.RouterHarness.join;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.metrics.GatewayMetrics.LinkRefusal;
import roomgate.gateway.routing.RouterHarness.Client;
import roomgate.gateway.routing.RouterHarness.FakeNode;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.Heartbeat;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.link.v1.Welcome;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkSettings;

/**
 * The gateway's half of the mutual link handshake, frame by frame: a link carries nothing to its
 * node before the node's Welcome proves it holds the link secret and is the node the link was
 * opened to; a wrong, missing, replayed or reflected proof, a frame before the proof, or no proof
 * in time closes the link, counts it, and makes the node unreachable, so what was held for it goes
 * to the successor instead.
 */
class NodeLinkProofTest {
    private static final LinkAuth OTHER_SECRET =
            LinkAuth.withSecret("not-the-cluster-secret-but-32-bytes-long".getBytes(StandardCharsets.UTF_8));

    private final RouterHarness h = new RouterHarness(RouterHarness.Handshake.CHALLENGE, "n1", "n2");
    private String roomId;
    private String successor;
    private Client client;
    private FakeNode n1;

    @BeforeEach
    void setUp() {
        roomId = h.roomOn("n1");
        successor = h.view().ownerOf(roomId, Set.of("n1")).nodeId();
        h.node(successor).welcome(RouterHarness.AUTH);
        h.node(successor).frames();
        client = h.client(1);
        n1 = h.node("n1");
        // Held until n1 proves itself.
        h.router.forward(client.session, join(roomId, "j1"), roomId);
    }

    @Test
    void aRequestWaitsForTheNodesProofAndGoesOutOnceItChecksOut() {
        assertThat(n1.hello()).as("the Hello went out").isNotNull();
        assertThat(n1.channel.outboundMessages())
                .as("only the Hello before the node's Welcome")
                .hasSize(1);

        n1.welcome(RouterHarness.AUTH);

        List<LinkFrame> frames = n1.frames();
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).hasHello()).isTrue();
        assertThat(frames.get(1).getRequest().getMessage().getRequestId()).isEqualTo("j1");
        assertThat(n1.channel.isOpen()).isTrue();
        assertThat(h.marked).isEmpty();
        assertThat(h.node(successor).sent()).isEmpty();
    }

    @Test
    void aWelcomeWithAProofUnderAnotherSecretIsRefusedAndTheRequestGoesToTheSuccessor() {
        n1.welcome(OTHER_SECRET);

        assertRefused(LinkRefusal.BAD_PROOF);
    }

    @Test
    void aWelcomeWithoutAProofIsRefused() {
        n1.send(welcome(n1, new byte[0]));

        assertRefused(LinkRefusal.NO_PROOF);
    }

    @Test
    void aWelcomeRecordedForAnotherGatewayNonceIsRefused() {
        byte[] recorded = RouterHarness.AUTH.nodeProof(LinkAuth.newNonce(), n1.nonce, "n1", "gw-test");
        n1.send(welcome(n1, recorded));

        assertRefused(LinkRefusal.BAD_PROOF);
    }

    @Test
    void theGatewaysOwnProofReflectedAsTheWelcomeIsRefused() {
        n1.send(welcome(n1, n1.hello().getProof().toByteArray()));

        assertRefused(LinkRefusal.BAD_PROOF);
    }

    @Test
    void aValidProofMadeByAnotherNodeIsRefused() {
        // A node with the secret that took over n1's address proves itself as what it is: n2.
        Hello hello = n1.hello();
        byte[] proof = RouterHarness.AUTH.nodeProof(
                hello.getGatewayNonce().toByteArray(), n1.nonce, "n2", hello.getGatewayId());
        n1.send(LinkFrame.newBuilder()
                .setWelcome(Welcome.newBuilder().setNodeId("n2").setProof(ByteString.copyFrom(proof)))
                .build());

        assertRefused(LinkRefusal.BAD_PROOF);
    }

    @Test
    void aRoomEventOrReplyBeforeTheProofIsRefusedAndReachesNoClient() {
        n1.send(RouterHarness.broadcast(roomId, 1, 1, "j1"));

        assertRefused(LinkRefusal.UNEXPECTED);
        assertThat(client.received()).isEmpty();
    }

    @Test
    void noWelcomeWithinTheLinkTimeoutIsRefused() {
        // Frozen from now: the timer started when the link opened, a moment of real time ago.
        n1.channel.freezeTime();
        long timeout = LinkSettings.unauthenticated().timeout().toMillis();
        n1.channel.advanceTimeBy(timeout / 2, TimeUnit.MILLISECONDS);
        n1.channel.runScheduledPendingTasks();
        assertThat(n1.channel.isOpen()).as("not before the timeout").isTrue();
        // An impostor keeps the link from going quiet: only the handshake's own timer catches it.
        n1.send(LinkFrame.newBuilder()
                .setHeartbeat(Heartbeat.getDefaultInstance())
                .build());

        n1.channel.advanceTimeBy(timeout / 2 + 1, TimeUnit.MILLISECONDS);
        n1.channel.runScheduledPendingTasks();

        assertRefused(LinkRefusal.TIMEOUT);
    }

    @Test
    void aChallengeWithANonceOfAnotherLengthOrFromAnotherNodeIsNotAnswered() {
        for (Challenge challenge : List.of(
                Challenge.newBuilder()
                        .setNonce(ByteString.copyFrom(new byte[LinkAuth.NONCE_BYTES + 13]))
                        .setNodeId("n1")
                        .build(),
                Challenge.newBuilder()
                        .setNonce(ByteString.copyFrom(LinkAuth.newNonce()))
                        .setNodeId("n7")
                        .build())) {
            RouterHarness fresh = new RouterHarness(RouterHarness.Handshake.NONE, "n1");
            FakeNode node = fresh.node("n1");

            node.send(LinkFrame.newBuilder().setChallenge(challenge).build());

            assertThat(node.channel.isOpen()).isFalse();
            assertThat(node.frames()).as("no Hello: nothing is signed for it").isEmpty();
            assertThat(fresh.metrics.linkRefusals(LinkRefusal.BAD_CHALLENGE)).isEqualTo(1);
            assertThat(fresh.marked).extracting(n -> n.nodeId()).containsExactly("n1");
        }
    }

    /** The link to n1 was closed with nothing but the Hello sent, counted once; the join went to the successor. */
    private void assertRefused(LinkRefusal reason) {
        assertThat(n1.channel.isOpen()).as("the link to the impostor is closed").isFalse();
        assertThat(n1.frames().stream().filter(f -> !f.hasHeartbeat()))
                .as("nothing but the Hello (and heartbeats) reached it")
                .singleElement()
                .satisfies(f -> assertThat(f.hasHello()).isTrue());
        assertThat(h.metrics.linkRefusals(reason)).isEqualTo(1);
        for (LinkRefusal other : LinkRefusal.values()) {
            if (other != reason) {
                assertThat(h.metrics.linkRefusals(other)).as(other.name()).isZero();
            }
        }
        assertThat(h.marked)
                .as("n1 reported unreachable")
                .extracting(n -> n.nodeId())
                .containsExactly("n1");
        List<LinkFrame> atSuccessor = h.node(successor).sent();
        assertThat(atSuccessor).singleElement().satisfies(f -> {
            SessionRequest request = f.getRequest();
            assertThat(request.getMessage().getRequestId()).isEqualTo("j1");
            assertThat(request.getUnreachableNodeIdsList()).containsExactly("n1");
        });
    }

    private static LinkFrame welcome(FakeNode node, byte[] proof) {
        return LinkFrame.newBuilder()
                .setWelcome(Welcome.newBuilder().setNodeId(node.info.nodeId()).setProof(ByteString.copyFrom(proof)))
                .build();
    }
}
