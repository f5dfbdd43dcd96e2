package roomgate.loadtest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.SendChat;

class MessageRewriterTest {

    @Test
    void everyBodyWithARoomIdIsPointedAtTheCopyAndKeepsTheRest() {
        ClientMessage join = ClientMessage.newBuilder()
                .setRequestId("old")
                .setJoin(JoinRoom.newBuilder().setRoomId("r").setDisplayName("ann"))
                .build();
        ClientMessage moved = MessageRewriter.retarget(join, "rp.1.r", "new");
        assertThat(moved.getJoin().getRoomId()).isEqualTo("rp.1.r");
        assertThat(moved.getJoin().getDisplayName()).isEqualTo("ann");
        assertThat(moved.getRequestId()).isEqualTo("new");

        assertThat(MessageRewriter.retarget(
                                ClientMessage.newBuilder()
                                        .setMove(ChessMove.newBuilder()
                                                .setRoomId("r")
                                                .setUci("e2e4"))
                                        .build(),
                                "x",
                                "1")
                        .getMove())
                .isEqualTo(ChessMove.newBuilder().setRoomId("x").setUci("e2e4").build());
        assertThat(MessageRewriter.retarget(
                                ClientMessage.newBuilder()
                                        .setChat(SendChat.newBuilder()
                                                .setRoomId("r")
                                                .setText("hi"))
                                        .build(),
                                "x",
                                "1")
                        .getChat()
                        .getRoomId())
                .isEqualTo("x");
        // A body this code never names explicitly is found by its room_id field all the same.
        assertThat(MessageRewriter.retarget(
                                ClientMessage.newBuilder()
                                        .setArenaInput(ArenaInput.newBuilder()
                                                .setRoomId("r")
                                                .setMoveX(1))
                                        .build(),
                                "x",
                                "1")
                        .getArenaInput()
                        .getRoomId())
                .isEqualTo("x");
    }

    @Test
    void aBodyWithoutARoomIdCannotBeRetargeted() {
        assertThat(MessageRewriter.retarget(
                        ClientMessage.newBuilder()
                                .setPing(Ping.getDefaultInstance())
                                .build(),
                        "x",
                        "1"))
                .isNull();
        assertThat(MessageRewriter.retarget(ClientMessage.getDefaultInstance(), "x", "1"))
                .isNull();
    }

    @Test
    void copyRoomIdsStayValidAndDistinct() {
        assertThat(RoomIds.copyOf("rp-ab", 3, "game-1")).isEqualTo("rp-ab.3.game-1");
        String longId = "r".repeat(128);
        String copy = RoomIds.copyOf("rp-ab", 3, longId);
        assertThat(copy).hasSizeLessThanOrEqualTo(128).startsWith("rp-ab.3.h");
        assertThat(RoomIds.copyOf("rp-ab", 3, "s" + "r".repeat(127))).isNotEqualTo(copy);
        assertThat(roomgate.wire.client.RoomRequests.checkRoomId(copy)).isNull();
    }
}
