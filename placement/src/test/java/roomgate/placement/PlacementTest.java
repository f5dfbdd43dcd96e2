package roomgate.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final int ROOMS = 10_000;

    private static NodeInfo node(String id) {
        return new NodeInfo(id, "127.0.0.1", 7000, 1, UUID.randomUUID());
    }

    private static NodeView view(String... ids) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (String id : ids) {
            nodes.add(node(id));
        }
        return NodeView.of(1, nodes);
    }

    private static Map<String, String> place(NodeView view) {
        Map<String, String> owners = new HashMap<>();
        for (int i = 0; i < ROOMS; i++) {
            String room = "room-" + i;
            owners.put(room, view.ownerOf(room).nodeId());
        }
        return owners;
    }

    @Test
    void sameRoomMapsToSameNodeWhateverTheOrderNodesWereSeenIn() {
        NodeView a = view("node-1", "node-2", "node-3");
        NodeView b = view("node-3", "node-1", "node-2");
        assertThat(place(a)).isEqualTo(place(b));
    }

    @Test
    void tenThousandRoomsSpreadEvenlyOverThreeNodes() {
        Map<String, Integer> counts = new HashMap<>();
        place(view("node-1", "node-2", "node-3")).values().forEach(n -> counts.merge(n, 1, Integer::sum));
        double fair = ROOMS / 3.0;
        double worst = counts.values().stream()
                .mapToDouble(c -> Math.abs(c - fair) / fair)
                .max()
                .orElseThrow();
        System.out.printf(
                "placement of %d rooms over 3 nodes: %s, worst deviation from fair share %.2f%%%n",
                ROOMS, counts, worst * 100);
        assertThat(counts).hasSize(3);
        // The binomial standard deviation is 0.8% of the fair share; 5% is six of them.
        assertThat(worst).isLessThan(0.05);
    }

    @Test
    void addingANodeMovesOnlyItsShareOfPlacementsAndOnlyToIt() {
        Map<String, String> before = place(view("node-1", "node-2", "node-3"));
        Map<String, String> after = place(view("node-1", "node-2", "node-3", "node-4"));
        int moved = 0;
        for (var e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (!now.equals(e.getValue())) {
                moved++;
                assertThat(now).as("a room that moves goes to the new node").isEqualTo("node-4");
            }
        }
        System.out.printf(
                "adding a 4th node changed %d of %d placements (expected about %d)%n", moved, ROOMS, ROOMS / 4);
        assertThat(moved).isBetween((int) (ROOMS / 4 * 0.9), (int) (ROOMS / 4 * 1.1));
    }

    @Test
    void removingANodeMovesOnlyTheRoomsItHeld() {
        Map<String, String> before = place(view("node-1", "node-2", "node-3"));
        Map<String, String> after = place(view("node-1", "node-3"));
        int moved = 0;
        for (var e : before.entrySet()) {
            if (e.getValue().equals("node-2")) {
                moved++;
                assertThat(after.get(e.getKey())).isIn("node-1", "node-3");
            } else {
                assertThat(after.get(e.getKey()))
                        .as("room %s stays", e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
        assertThat(moved).isBetween((int) (ROOMS / 3 * 0.9), (int) (ROOMS / 3 * 1.1));
    }

    @Test
    void emptyViewPlacesNothing() {
        assertThat(NodeView.empty().ownerOf("r1")).isNull();
    }
}
