package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static roomgate.gateway.routing.RouterHarness.broadcast;

import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.gateway.routing.RouterHarness.Client;
import roomgate.protocol.v1.ServerMessage;

/** Room events from a link reach exactly this loop's sessions in the room. */
class RouterFanOutTest {
    private final RouterHarness h = new RouterHarness("n1", "n2");

    @Test
    void aRoomEventReachesEverySessionInTheRoomAndNoOther() {
        String roomId = h.roomOn("n1");
        // A second room on the same node and link, so that "every session on the link" would be wrong too.
        String otherRoom = roomOnNodeOtherThan(roomId);
        Client a = h.client(1);
        Client b = h.client(2);
        Client inOtherRoom = h.client(3);
        Client inNoRoom = h.client(4);
        h.seat(a, roomId, "n1", 4);
        h.seat(b, roomId, "n1", 4);
        h.seat(inOtherRoom, otherRoom, "n1", 9);

        h.node("n1").send(broadcast(roomId, 5, a.session.id(), "req-a"));

        List<ServerMessage> toA = a.received();
        List<ServerMessage> toB = b.received();
        assertThat(toA).hasSize(1);
        assertThat(toA.get(0).getEvent().getSequence()).isEqualTo(5);
        assertThat(toA.get(0).getEvent().getRoomId()).isEqualTo(roomId);
        assertThat(toA.get(0).getRequestId())
                .as("the origin sees its own request's id")
                .isEqualTo("req-a");
        assertThat(toB).hasSize(1);
        assertThat(toB.get(0).getEvent().getSequence()).isEqualTo(5);
        assertThat(toB.get(0).getRequestId()).as("the others do not").isEmpty();
        assertThat(inOtherRoom.received()).isEmpty();
        assertThat(inNoRoom.received()).isEmpty();
    }

    @Test
    void anEventForARoomWithNoSessionHereReachesNobody() {
        String roomId = h.roomOn("n1");
        Client a = h.client(1);
        h.seat(a, roomId, "n1", 1);

        h.node("n1").send(broadcast(roomOnNodeOtherThan(roomId), 2, 0, ""));

        assertThat(a.received()).isEmpty();
    }

    @Test
    void aSessionThatClosedGetsNoMoreEventsAndTheNodeIsTold() {
        String roomId = h.roomOn("n1");
        Client a = h.client(1);
        Client b = h.client(2);
        h.seat(a, roomId, "n1", 1);
        h.seat(b, roomId, "n1", 1);

        h.router.sessionClosed(a.session);
        assertThat(h.node("n1").sent()).singleElement().satisfies(f -> {
            assertThat(f.getSessionClosed().getSessionId()).isEqualTo(1);
            assertThat(f.getSessionClosed().getRoomIdsList()).containsExactly(roomId);
        });
        h.node("n1").send(broadcast(roomId, 2, 0, ""));

        assertThat(a.received()).isEmpty();
        assertThat(b.received())
                .singleElement()
                .satisfies(m -> assertThat(m.getEvent().getSequence()).isEqualTo(2));
    }

    private String roomOnNodeOtherThan(String roomId) {
        for (int i = 0; ; i++) {
            String candidate = "other-" + i;
            if (h.view().ownerOf(candidate).nodeId().equals("n1") && !candidate.equals(roomId)) {
                return candidate;
            }
        }
    }
}
