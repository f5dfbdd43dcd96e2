package roomgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;

class IdentityTest {
    private static ClientMessage join(String room, Role role) {
        return ClientMessage.newBuilder()
                .setJoin(JoinRoom.newBuilder().setRoomId(room).setRole(role))
                .build();
    }

    private static final ClientMessage MOVE = ClientMessage.newBuilder()
            .setMove(ChessMove.newBuilder().setRoomId("final").setUci("e2e4"))
            .build();
    private static final ClientMessage CHAT = ClientMessage.newBuilder()
            .setChat(SendChat.newBuilder().setRoomId("final").setText("hi"))
            .build();

    @Test
    void anUnrestrictedIdentityMayDoEverything() {
        Identity alice = new Identity("alice", false, null, null);
        assertThat(alice.refusal(join("any", Role.PLAYER), "any")).isNull();
        assertThat(alice.refusal(MOVE, "final")).isNull();
        assertThat(alice.topicsRefusal(List.of("stock.AAPL"))).isNull();
    }

    @Test
    void aSpectatorMayJoinAsSpectatorAndChatButNotPlay() {
        Identity viewer = new Identity("viewer", true, null, null);
        assertThat(viewer.refusal(join("final", Role.SPECTATOR), "final")).isNull();
        assertThat(viewer.refusal(CHAT, "final")).isNull();
        assertThat(viewer.refusal(join("final", Role.PLAYER), "final")).contains("only spectate");
        assertThat(viewer.refusal(MOVE, "final")).contains("move");
    }

    @Test
    void roomsAndTopicsMatchByNameOrPrefix() {
        Identity limited = new Identity("p", false, List.of("final", "lobby-*"), List.of("stock.*"));
        assertThat(limited.refusal(join("final", Role.PLAYER), "final")).isNull();
        assertThat(limited.refusal(join("lobby-7", Role.PLAYER), "lobby-7")).isNull();
        assertThat(limited.refusal(join("finals", Role.PLAYER), "finals")).contains("finals");
        assertThat(limited.roomsRefusal(List.of("final", "other"))).contains("other");
        assertThat(limited.topicsRefusal(List.of("stock.AAPL"))).isNull();
        assertThat(limited.topicsRefusal(List.of("stock.AAPL", "fx.EUR"))).contains("fx.EUR");
    }
}
