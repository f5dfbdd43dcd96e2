package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.routing.UnreachableNodes.FORGET_UNREACHABLE_NANOS;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;

/**
 * The gateway-wide set of unreachable nodes: each loop marks and reads it on its own thread; a node
 * is news (and so moves every loop's rooms) once per incarnation, however many loops find it; its
 * mark ends when a link opened after it completes its handshake, not with time.
 */
class UnreachableNodesTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final NodeInfo n1 = RouterHarness.nodeInfo("n1");
    private final NodeInfo n2 = RouterHarness.nodeInfo("n2");
    private final AtomicReference<NodeView> view = new AtomicReference<>(NodeView.of(1, List.of(n1, n2)));
    private final List<NodeInfo> news = new CopyOnWriteArrayList<>();
    private final List<NodeInfo> back = new CopyOnWriteArrayList<>();
    private final UnreachableNodes unreachable = new UnreachableNodes(view::get, nanos::get, news::add, back::add);

    @Test
    void aNodeFoundByEveryLoopAtOnceIsNewsOnce() throws InterruptedException {
        int loops = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int k = 0; k < 1_000; k++) {
                    unreachable.mark(n1);
                    unreachable.ids();
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(news).containsExactly(n1);
        assertThat(unreachable.ids()).containsExactly("n1");
    }

    @Test
    void whatOneLoopMarksEveryLoopSeesUntilALinkOpenedAfterTheMarkCompletesItsHandshake() {
        long linkBeforeTheCut = nanos.get();
        nanos.addAndGet(1_000);
        unreachable.mark(n1);
        // Another loop reads the same object: n1 is left out of its placement too.
        assertThat(view.get().ownerOf("any-room", unreachable.ids()).nodeId()).isEqualTo("n2");

        // However long the cut lasts, time alone does not end the mark: only a handshake does.
        nanos.addAndGet(10 * FORGET_UNREACHABLE_NANOS);
        assertThat(unreachable.ids()).containsExactly("n1");
        assertThat(unreachable.reachable(n1, linkBeforeTheCut))
                .as("a handshake on a link opened before the failure proves nothing since")
                .isFalse();
        assertThat(unreachable.ids()).containsExactly("n1");

        long probe = nanos.get();
        nanos.addAndGet(1_000);
        assertThat(unreachable.reachable(n1, probe)).isTrue();
        assertThat(unreachable.ids()).as("back, for every loop").isEmpty();
        assertThat(back).containsExactly(n1);
        assertThat(unreachable.reachable(n1, probe))
                .as("told once: a second handshake has no mark to end")
                .isFalse();
        assertThat(back).containsExactly(n1);

        unreachable.mark(n1);
        assertThat(news).as("failing again after its recovery is news again").containsExactly(n1, n1);
    }

    @Test
    void aFailureSeenAfterTheProbeOpenedKeepsTheMark() {
        unreachable.mark(n1);
        nanos.addAndGet(1_000);
        long probe = nanos.get();
        nanos.addAndGet(1_000);
        // Another loop's link failed after the probe opened: that is the newer news.
        unreachable.mark(n1);
        assertThat(news).containsExactly(n1);

        assertThat(unreachable.reachable(n1, probe)).isFalse();
        assertThat(unreachable.ids()).containsExactly("n1");
        assertThat(back).isEmpty();
    }

    @Test
    void aHandshakeWithAnotherIncarnationOrANodeGoneFromTheViewEndsNoMark() {
        unreachable.mark(n1);
        nanos.addAndGet(1_000);
        NodeInfo other = new NodeInfo("n1", n1.linkHost(), n1.linkPort(), 2, UUID.randomUUID());
        assertThat(unreachable.reachable(other, nanos.get())).isFalse();
        assertThat(unreachable.ids()).containsExactly("n1");

        view.set(NodeView.of(2, List.of(n2)));
        assertThat(unreachable.reachable(n1, nanos.get()))
                .as("a node that left the view stays named for the forget window")
                .isFalse();
        nanos.addAndGet(FORGET_UNREACHABLE_NANOS - 1_000); // the window counts from the mark
        assertThat(unreachable.ids()).containsExactly("n1");
        nanos.addAndGet(1);
        assertThat(unreachable.ids()).as("forgotten").isEmpty();
        assertThat(back).isEmpty();
    }

    @Test
    void aProbeServesOneEpisodeOfTheMark() {
        long first = unreachable.mark(n1);
        assertThat(first).isNotZero();
        assertThat(unreachable.mark(n1)).as("not news: no new episode").isZero();
        assertThat(unreachable.stillMarked(n1, first)).isTrue();

        nanos.addAndGet(1_000);
        unreachable.reachable(n1, nanos.get());
        assertThat(unreachable.stillMarked(n1, first)).isFalse();

        long second = unreachable.mark(n1);
        assertThat(second).isNotZero().isNotEqualTo(first);
        assertThat(unreachable.stillMarked(n1, first))
                .as("the first episode's probing ends; the second's goes on")
                .isFalse();
        assertThat(unreachable.stillMarked(n1, second)).isTrue();

        NodeInfo restarted = new NodeInfo("n1", n1.linkHost(), n1.linkPort(), 2, UUID.randomUUID());
        view.set(NodeView.of(2, List.of(restarted, n2)));
        assertThat(unreachable.stillMarked(n1, second))
                .as("a new incarnation is not marked by its predecessor's failure")
                .isFalse();
    }

    @Test
    void aNewIncarnationIsNewsAndTheSameOneIsNot() {
        unreachable.mark(n1);
        unreachable.mark(n1);
        assertThat(news).containsExactly(n1);
        NodeInfo restarted = new NodeInfo("n1", n1.linkHost(), n1.linkPort(), 2, UUID.randomUUID());
        view.set(NodeView.of(2, List.of(restarted, n2)));
        unreachable.mark(restarted);
        assertThat(news).containsExactly(n1, restarted);
        assertThat(unreachable.ids()).isEqualTo(Set.of("n1"));
    }
}
