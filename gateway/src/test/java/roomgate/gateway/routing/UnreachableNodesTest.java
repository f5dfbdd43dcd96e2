package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

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
 * is news (and so moves every loop's rooms) once per incarnation, however many loops find it.
 */
class UnreachableNodesTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final NodeInfo n1 = RouterHarness.nodeInfo("n1");
    private final NodeInfo n2 = RouterHarness.nodeInfo("n2");
    private final AtomicReference<NodeView> view = new AtomicReference<>(NodeView.of(1, List.of(n1, n2)));
    private final List<NodeInfo> news = new CopyOnWriteArrayList<>();
    private final UnreachableNodes unreachable = new UnreachableNodes(view::get, nanos::get, news::add);

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
    void whatOneLoopMarksEveryLoopSeesAndItsRecoveryToo() {
        unreachable.mark(n1);
        // Another loop reads the same object: n1 is left out of its placement too.
        assertThat(view.get().ownerOf("any-room", unreachable.ids()).nodeId()).isEqualTo("n2");
        nanos.addAndGet(UnreachableNodes.RETRY_UNREACHABLE_NANOS + 1);
        assertThat(unreachable.ids()).as("tried again, by every loop").isEmpty();
        unreachable.mark(n1);
        assertThat(news).as("failing again after its recovery is news again").containsExactly(n1, n1);
    }

    @Test
    void aNewIncarnationIsNewsAndTheSameOneIsNot() {
        unreachable.mark(n1);
        unreachable.mark(n1);
        unreachable.mark("n1");
        assertThat(news).containsExactly(n1);
        NodeInfo restarted = new NodeInfo("n1", n1.linkHost(), n1.linkPort(), 2, UUID.randomUUID());
        view.set(NodeView.of(2, List.of(restarted, n2)));
        unreachable.mark(restarted);
        assertThat(news).containsExactly(n1, restarted);
        assertThat(unreachable.ids()).isEqualTo(Set.of("n1"));
    }
}
