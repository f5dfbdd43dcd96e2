package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.replication.LocalRoomStore;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.ArenaPlayer;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;

/** A stripe runs an arena's tick on its own thread while anyone is in it, and not after. */
class ArenaTickingTest {
    private static final Duration IDLE = Duration.ofMillis(300);

    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final AtomicInteger roomCount = new AtomicInteger();
    private final LocalRoomStore store = new LocalRoomStore();
    private final RoomStripe stripe = new RoomStripe(
            new RoomContext("node-t", store, executor, Duration.ofSeconds(30), IDLE, NodeMetrics.disabled()),
            NodeView::empty,
            Set::of,
            () -> false,
            roomCount);
    private final RecordingLink link = new RecordingLink(executor);
    private final SessionKey player = new SessionKey(link, 1);
    private final SessionKey watcher = new SessionKey(link, 2);

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private <T> T onStripe(Callable<T> task) throws Exception {
        return executor.submit(task).get(5, TimeUnit.SECONDS);
    }

    private void request(SessionKey who, String roomId, ClientMessage message) throws Exception {
        onStripe(() -> {
            stripe.onRequest(
                    who.link(),
                    SessionRequest.newBuilder()
                            .setSessionId(who.sessionId())
                            .setParticipantId("p" + who.sessionId())
                            .setMessage(message)
                            .build());
            return null;
        });
    }

    private static ClientMessage join(String roomId, GameType type, Role role) {
        return ClientMessage.newBuilder()
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId(roomId)
                        .setGameType(type)
                        .setRole(role))
                .build();
    }

    @Test
    void anOccupiedArenaBroadcastsItsStateThirtyTimesASecondInSequence() throws Exception {
        request(player, "a1", join("a1", GameType.ARENA, Role.PLAYER));
        request(watcher, "a1", join("a1", GameType.ARENA, Role.SPECTATOR));
        long joinedAt = System.nanoTime();
        request(
                player,
                "a1",
                ClientMessage.newBuilder()
                        .setArenaInput(ArenaInput.newBuilder()
                                .setRoomId("a1")
                                .setMoveX(1)
                                .setInputSequence(7))
                        .build());
        Thread.sleep(1000); // the measured window: ticks per second of wall time is what this test checks
        List<RoomEvent> ticks = link.ticks();
        double seconds = (System.nanoTime() - joinedAt) / 1e9;
        assertThat(ticks.size())
                .as("ticks in %.2f s", seconds)
                .isBetween((int) (27 * seconds), (int) (31 * seconds) + 1);

        List<RoomEvent> events = link.events();
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).getSequence()).isEqualTo(events.get(i - 1).getSequence() + 1);
        }
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i).getArenaTick().getTick())
                    .isEqualTo(ticks.get(i - 1).getArenaTick().getTick() + 1);
        }
        ArenaPlayer me = ticks.get(ticks.size() - 1).getArenaTick().getPlayers(0);
        assertThat(me.getLastInputSequence()).isEqualTo(7);
        assertThat(me.getX()).as("moved right for about a second").isGreaterThan(12.5f + 10);
        assertThat(link.anythingSentOffTheStripeThread()).isFalse();
        assertThat(link.redirects())
                .as("a one-node test has nowhere to redirect to")
                .isEmpty();
        assertThat(onStripe(() -> stripe.tickerOf("a1"))).isNotNull();
    }

    @Test
    void theTickPausesWhenTheArenaEmptiesAndTheIdleArenaIsDisposed() throws Exception {
        request(player, "a1", join("a1", GameType.ARENA, Role.PLAYER));
        await().atMost(Duration.ofSeconds(2)).until(() -> link.ticks().size() >= 3);
        request(
                player,
                "a1",
                ClientMessage.newBuilder()
                        .setLeave(LeaveRoom.newBuilder().setRoomId("a1"))
                        .build());
        assertThat(onStripe(() -> stripe.tickerOf("a1")))
                .as("ticker of an empty arena")
                .isNull();
        int ticksAtLeave = link.ticks().size();
        await().atMost(Duration.ofSeconds(3)).until(() -> roomCount.get() == 0);
        assertThat(link.ticks()).as("no tick after the last one left").hasSize(ticksAtLeave);

        // It left memory with a last snapshot (an emptied arena is archived; here, with no archive, its
        // record stays): the next join loads it again and it ticks on from where it stopped.
        long lastTick = link.ticks().get(ticksAtLeave - 1).getArenaTick().getTick();
        request(player, "a1", join("a1", GameType.ARENA, Role.PLAYER));
        await().atMost(Duration.ofSeconds(2)).until(() -> link.ticks().size() > ticksAtLeave);
        assertThat(link.ticks().get(ticksAtLeave).getArenaTick().getTick()).isEqualTo(lastTick + 1);
    }

    @Test
    void anArenaIsReplicatedAsASnapshotEverySecondAndAnotherNodeContinuesFromIt() throws Exception {
        request(player, "a1", join("a1", GameType.ARENA, Role.PLAYER));
        request(
                player,
                "a1",
                ClientMessage.newBuilder()
                        .setArenaInput(ArenaInput.newBuilder()
                                .setRoomId("a1")
                                .setMoveY(1)
                                .setInputSequence(3))
                        .build());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.read("a1").toCompletableFuture().get().hasSnapshot());
        long snapshotTick = store.read("a1")
                .toCompletableFuture()
                .get()
                .getSnapshot()
                .getArena()
                .getTick();
        assertThat(snapshotTick).as("first snapshot about a second in").isBetween(25L, 40L);

        // Another node (its own stripe, the same store) takes the room over: the owner is not in its view.
        DefaultEventExecutor otherThread = new DefaultEventExecutor();
        RecordingLink otherLink = new RecordingLink(otherThread);
        RoomStripe other = new RoomStripe(
                new RoomContext("node-u", store, otherThread, Duration.ofSeconds(30), IDLE, NodeMetrics.disabled()),
                NodeView::empty,
                Set::of,
                () -> false,
                new AtomicInteger());
        otherThread
                .submit(() -> other.onRequest(
                        otherLink,
                        SessionRequest.newBuilder()
                                .setSessionId(9)
                                .setParticipantId("p9")
                                .setMessage(join("a1", GameType.ARENA, Role.SPECTATOR))
                                .build()))
                .get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> otherLink.replies().stream().anyMatch(ServerMessage::hasJoined));
        var restored = otherLink.replies().stream()
                .filter(ServerMessage::hasJoined)
                .findFirst()
                .orElseThrow()
                .getJoined()
                .getState();
        assertThat(restored.getArena().getTick()).isGreaterThanOrEqualTo(snapshotTick);
        assertThat(restored.getArena().getPlayersList())
                .extracting(ArenaPlayer::getParticipantId)
                .containsExactly("p1");
        assertThat(restored.getArena().getPlayers(0).getLastInputSequence()).isEqualTo(3);
        assertThat(restored.getParticipantsList())
                .extracting(p -> p.getParticipantId())
                .contains("p1", "p9");
        otherThread.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aChessRoomHasNoTicker() throws Exception {
        request(player, "c1", join("c1", GameType.CHESS, Role.PLAYER));
        // Joined follows the stored join event, one hop later on the stripe thread.
        await().atMost(Duration.ofSeconds(2))
                .until(() -> link.replies().stream().anyMatch(ServerMessage::hasJoined));
        assertThat(onStripe(() -> stripe.tickerOf("c1"))).isNull();
    }
}
