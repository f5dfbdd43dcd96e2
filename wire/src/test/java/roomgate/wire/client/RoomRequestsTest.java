package roomgate.wire.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Ping;

class RoomRequestsTest {

    @Test
    void anArenaInputIsRoutedByItsRoomId() {
        ClientMessage input = ClientMessage.newBuilder()
                .setArenaInput(ArenaInput.newBuilder().setRoomId("arena-7").setMoveX(1))
                .build();
        assertThat(RoomRequests.roomIdOf(input)).isEqualTo("arena-7");
    }

    @Test
    void aPingConcernsNoRoom() {
        assertThat(RoomRequests.roomIdOf(ClientMessage.newBuilder()
                        .setPing(Ping.getDefaultInstance())
                        .build()))
                .isEmpty();
    }
}
