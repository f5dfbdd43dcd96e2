package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.replication.LocalRoomStore;
import roomgate.node.replication.RoomStore;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;

/**
 * Whom a node may take a room from. Its owner, node-b, is a cluster member that node-a's view does
 * not list (so it was right after node-a rejoined from a split: gateways reached it before its view
 * caught up, and a spectator's join hashed to it took a room from its live owner). The owner is live
 * until it leaves the cluster or a gateway names it unreachable.
 */
class ClaimLivenessTest {
    private static final String ROOM = "c1";
    private static final NodeInfo NODE_A = new NodeInfo("node-a", "127.0.0.1", 1, 1, UUID.randomUUID());

    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final LocalRoomStore records = new LocalRoomStore();
    private final RecordingLink link = new RecordingLink(executor);

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aMemberWhoseStatusIsNotSeenYetKeepsItsRoom() {
        ownedByNodeB();
        join(stripeSeeing(Set.of("node-a", "node-b")), List.of());

        await().atMost(Duration.ofSeconds(5)).until(() -> !link.redirects().isEmpty());
        assertThat(link.redirects())
                .extracting(RecordingLink.Redirect::ownerNodeId)
                .containsExactly("node-b");
        assertThat(owner()).isEqualTo("node-b");
    }

    @Test
    void anOwnerTheGatewayNamesUnreachableIsTakenOverThoughStillAMember() {
        ownedByNodeB();
        join(stripeSeeing(Set.of("node-a", "node-b")), List.of("node-b"));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> link.replies().stream().anyMatch(ServerMessage::hasJoined));
        assertThat(owner()).isEqualTo("node-a");
    }

    @Test
    void anOwnerThatLeftTheClusterIsTakenOver() {
        ownedByNodeB();
        join(stripeSeeing(Set.of("node-a")), List.of());

        await().atMost(Duration.ofSeconds(5))
                .until(() -> link.replies().stream().anyMatch(ServerMessage::hasJoined));
        assertThat(owner()).isEqualTo("node-a");
    }

    /** node-a's stripe; its view lists only itself, Hazelcast's member list {@code members}. */
    private RoomStripe stripeSeeing(Set<String> members) {
        NodeView view = NodeView.of(1, List.of(NODE_A));
        return new RoomStripe(
                new RoomContext(
                        "node-a",
                        records,
                        executor,
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(10),
                        new NodeMetrics(new SimpleMeterRegistry())),
                () -> view,
                () -> members,
                () -> false,
                new AtomicInteger());
    }

    private void ownedByNodeB() {
        RoomStore.Claim created = records.claim(ROOM, "node-b", Set.of("node-b"), GameType.CHESS)
                .toCompletableFuture()
                .join();
        assertThat(created.outcome()).isEqualTo(RoomStore.Claim.Outcome.CLAIMED);
    }

    private String owner() {
        return records.read(ROOM).toCompletableFuture().join().getOwnerNodeId();
    }

    private void join(RoomStripe stripe, List<String> unreachable) {
        SessionRequest request = SessionRequest.newBuilder()
                .setSessionId(1)
                .setParticipantId("p1")
                .addAllUnreachableNodeIds(unreachable)
                .setMessage(ClientMessage.newBuilder()
                        .setRequestId("spectate")
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.SPECTATOR)))
                .build();
        executor.execute(() -> stripe.onRequest(link, request));
    }
}
