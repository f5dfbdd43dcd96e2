package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.node.registry.StripeFixture.joinChess;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.Seat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * A seat belongs to its participant (the player id the gateway vouches for), not to a connection:
 * the same player joining from another gateway's connection gets it back and the old connection is
 * told; another player gets SEAT_TAKEN.
 */
class SeatOwnershipTest {
    private static final String ROOM = "seats";

    @RegisterExtension
    final StripeFixture<DefaultEventExecutor> fixture = StripeFixture.alone(new DefaultEventExecutor());

    private final RecordingLink gatewayOne = fixture.link;
    private final RecordingLink gatewayTwo = new RecordingLink(fixture.executor);

    private void send(
            RecordingLink on, long sessionId, String player, String requestId, ClientMessage.Builder message) {
        SessionRequest request = SessionRequest.newBuilder()
                .setSessionId(sessionId)
                .setParticipantId(player)
                .setMessage(message.setRequestId(requestId))
                .build();
        fixture.executor.execute(() -> fixture.stripe.onRequest(on, request));
    }

    private static ServerMessage answer(RecordingLink on, String requestId) {
        return await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> on.replies().stream()
                                .filter(m -> m.getRequestId().equals(requestId))
                                .findFirst()
                                .orElse(null),
                        m -> m != null);
    }

    private static ClientMessage.Builder move(String uci) {
        return ClientMessage.newBuilder()
                .setMove(ChessMove.newBuilder().setRoomId(ROOM).setUci(uci));
    }

    @Test
    void theSamePlayerTakesItsSeatBackAndAnotherPlayerDoesNot() {
        send(gatewayOne, 1, "alice", "a", joinChess(ROOM, Role.PLAYER, Side.WHITE));
        assertThat(answer(gatewayOne, "a").getJoined().getSeat()).isEqualTo(Seat.SEAT_WHITE);
        send(gatewayOne, 2, "bob", "b", joinChess(ROOM, Role.PLAYER, Side.BLACK));
        assertThat(answer(gatewayOne, "b").getJoined().getSeat()).isEqualTo(Seat.SEAT_BLACK);

        send(gatewayTwo, 7, "mallory", "m", joinChess(ROOM, Role.PLAYER, Side.WHITE));
        assertThat(answer(gatewayTwo, "m").getError().getCode()).isEqualTo(ErrorCode.SEAT_TAKEN);

        // Alice again, from another gateway, asking for whatever: she gets her own seat back.
        send(gatewayTwo, 8, "alice", "a2", joinChess(ROOM, Role.PLAYER, Side.SIDE_UNSPECIFIED));
        ServerMessage back = answer(gatewayTwo, "a2");
        assertThat(back.getJoined().getSeat()).isEqualTo(Seat.SEAT_WHITE);
        assertThat(back.getJoined().getParticipantId()).isEqualTo("alice");
        assertThat(back.getJoined().getState().getParticipantsList())
                .as("the same participant, not a second one")
                .hasSize(2);
        ServerMessage told = await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> gatewayOne.replies().stream()
                                .filter(m -> m.hasError() && m.getRequestId().isEmpty())
                                .findFirst()
                                .orElse(null),
                        m -> m != null);
        assertThat(told.getError().getCode()).isEqualTo(ErrorCode.SEAT_TAKEN);
        assertThat(told.getError().getRoomId()).isEqualTo(ROOM);

        send(gatewayOne, 1, "alice", "old", move("e2e4"));
        assertThat(answer(gatewayOne, "old").getError().getCode())
                .as("the old connection is no longer in the room")
                .isEqualTo(ErrorCode.NOT_IN_ROOM);
        send(gatewayTwo, 8, "alice", "new", move("e2e4"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> gatewayTwo.events().stream().anyMatch(e -> e.hasMoveMade()));
        assertThat(gatewayOne.events().stream()
                        .filter(e -> e.hasParticipantJoined())
                        .count())
                .as("only alice's and bob's first joins were announced")
                .isEqualTo(1);
    }

    @Test
    void theSameConnectionJoiningTwiceIsStillAlreadyInRoom() {
        send(gatewayOne, 1, "alice", "a", joinChess(ROOM, Role.PLAYER, Side.WHITE));
        answer(gatewayOne, "a");
        send(gatewayOne, 1, "alice", "again", joinChess(ROOM, Role.PLAYER, Side.BLACK));
        assertThat(answer(gatewayOne, "again").getError().getCode()).isEqualTo(ErrorCode.ALREADY_IN_ROOM);
    }
}
