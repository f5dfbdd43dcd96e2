package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.config.GatewayConfig.ClientLimits;
import roomgate.gateway.session.ResumeTokens;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.ClientFrameCodec;

/** The session's own answers, with no node behind it: pings, bad input, floods, no live node. */
class SessionHandlerTest {
    private EmbeddedChannel channel;
    private ServerMessage sessionStarted;
    private String closeFrame;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        channel.pipeline()
                .addLast(new ClientFrameCodec(), new TestSession().rate(5, 5).handler(channel));
        TestSession.upgraded(channel);
    }

    private ServerMessage send(byte[] frame) throws Exception {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
        ServerMessage reply = read();
        if (reply != null && reply.hasSessionStarted()) {
            sessionStarted = reply;
            reply = read();
        }
        return reply;
    }

    private ServerMessage read() throws Exception {
        Object next = channel.readOutbound();
        if (next instanceof CloseWebSocketFrame close) {
            closeFrame = close.statusCode() + " " + close.reasonText();
            close.release();
            return null;
        }
        BinaryWebSocketFrame out = (BinaryWebSocketFrame) next;
        try {
            return out == null ? null : ServerMessage.parseFrom(ByteBufUtil.getBytes(out.content()));
        } finally {
            if (out != null) {
                out.release();
            }
        }
    }

    private ServerMessage send(ClientMessage message) throws Exception {
        return send(message.toByteArray());
    }

    @Test
    void pingIsAnsweredWithPongEchoingRequestId() throws Exception {
        ServerMessage reply = send(ClientMessage.newBuilder()
                .setRequestId("p1")
                .setPing(Ping.newBuilder().setClientTimeMs(42))
                .build());
        assertThat(reply.getRequestId()).isEqualTo("p1");
        assertThat(reply.getPong().getClientTimeMs()).isEqualTo(42);
        assertThat(reply.getPong().getServerTimeMs()).isPositive();
    }

    @Test
    void theFirstAnswerIsPrecededByAResumeTokenForThisSessionsParticipant() throws Exception {
        send(ClientMessage.newBuilder().setPing(Ping.getDefaultInstance()).build());
        String token = sessionStarted.getSessionStarted().getResumeToken();
        assertThat(TestSession.RESUME_TOKENS.verify(token).participantId()).startsWith("gw-test-");
        assertThat(new ResumeTokens(
                                "another cluster's key, 32 bytes+".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                java.time.Duration.ofMinutes(10))
                        .verify(token))
                .as("a token from another cluster's key")
                .isNull();
    }

    @Test
    void resumeWithAForgedTokenIsRejected() throws Exception {
        ServerMessage reply = send(ClientMessage.newBuilder()
                .setRequestId("r")
                .setResume(Resume.newBuilder().setResumeToken("gw-x-1.forged").putLastSequences("r1", 3))
                .build());
        assertThat(reply.getRequestId()).isEqualTo("r");
        assertThat(reply.getError().getCode()).isEqualTo(ErrorCode.RESUME_REJECTED);
    }

    @Test
    void malformedFrameGetsAnErrorAndTheConnectionKeepsWorking() throws Exception {
        ServerMessage reply = send(new byte[] {0x0a, (byte) 0xff, (byte) 0xff});
        assertThat(reply.getError().getCode()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertThat(channel.isOpen()).isTrue();
        assertThat(send(ClientMessage.newBuilder()
                                .setPing(Ping.getDefaultInstance())
                                .build())
                        .hasPong())
                .isTrue();
    }

    @Test
    void badRoomIdIsRefusedNamingTheField() throws Exception {
        ServerMessage reply = send(ClientMessage.newBuilder()
                .setRequestId("j")
                .setJoin(JoinRoom.newBuilder().setRoomId("room with spaces").setGameType(GameType.CHESS))
                .build());
        assertThat(reply.getRequestId()).isEqualTo("j");
        assertThat(reply.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(reply.getError().getMessage()).startsWith("room_id: character ' '");
    }

    @Test
    void joinWithNoLiveNodeIsRoomUnavailable() throws Exception {
        ServerMessage reply = send(ClientMessage.newBuilder()
                .setRequestId("j")
                .setJoin(JoinRoom.newBuilder().setRoomId("r1").setGameType(GameType.CHESS))
                .build());
        assertThat(reply.getError().getCode()).isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
        assertThat(reply.getError().getRoomId()).isEqualTo("r1");
    }

    @Test
    void floodPastTheBurstIsRefusedOnceAndDropped() throws Exception {
        ClientMessage ping =
                ClientMessage.newBuilder().setPing(Ping.getDefaultInstance()).build();
        int pongs = 0;
        int limited = 0;
        for (int i = 0; i < 50; i++) {
            ServerMessage reply = send(ping);
            if (reply == null) {
                continue;
            }
            if (reply.hasPong()) {
                pongs++;
            } else if (reply.getError().getCode() == ErrorCode.RATE_LIMITED) {
                limited++;
            }
        }
        // Burst of 5; the 50 pings take well under the 200 ms that would refill one token at 5/s.
        assertThat(pongs).isBetween(5, 6);
        assertThat(limited).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void malformedFramesDrawFromTheRateLimit() throws Exception {
        int errors = 0;
        int limited = 0;
        for (int i = 0; i < 8; i++) {
            ServerMessage reply = send(new byte[] {0x0a, (byte) 0xff, (byte) 0xff});
            if (reply != null && reply.getError().getCode() == ErrorCode.MALFORMED_MESSAGE) {
                errors++;
            } else if (reply != null && reply.getError().getCode() == ErrorCode.RATE_LIMITED) {
                limited++;
            }
        }
        // Burst of 5: five answered, one RATE_LIMITED, the rest dropped unanswered.
        assertThat(errors).isBetween(5, 6);
        assertThat(limited).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void malformedFramesPastTheThresholdCloseTheConnection() throws Exception {
        ClientLimits defaults = ClientLimits.defaults();
        for (int i = 0; i < defaults.maxMalformed() && channel.isOpen(); i++) {
            send(new byte[] {0x0a, (byte) 0xff, (byte) 0xff});
        }
        assertThat(channel.isOpen())
                .as("%s malformed are tolerated", defaults.maxMalformed())
                .isTrue();
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0x0a, (byte) 0xff})));
        while (read() != null || closeFrame == null) {
            // the last answers, then the close frame
        }
        assertThat(closeFrame).startsWith("1008 more than 10 malformed messages");
        assertThat(channel.isOpen()).isFalse();
    }

    private static ClientMessage join(String displayName) {
        return ClientMessage.newBuilder()
                .setRequestId("j")
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId("r1")
                        .setGameType(GameType.CHESS)
                        .setDisplayName(displayName))
                .build();
    }

    @Test
    void displayNamesAreBoundedAndFreeOfControlCharacters() throws Exception {
        // An honest name (accents, emoji with a zero-width joiner) goes on to the routing: no node here.
        assertThat(send(join("Zoë 👩\u200D💻".repeat(4))).getError().getCode()).isEqualTo(ErrorCode.ROOM_UNAVAILABLE);
        ServerMessage tooLong = send(join("x".repeat(65)));
        assertThat(tooLong.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(tooLong.getError().getMessage()).isEqualTo("join.display_name: 65 chars (expected: at most 64)");
        assertThat(tooLong.getError().getRoomId()).isEqualTo("r1");

        // Four of the burst of 5 left.
        for (String hostile : new String[] {"\u001b[31mred", "nul\u0000", "evil\u202Egnp.exe"}) {
            ServerMessage reply = send(join(hostile));
            assertThat(reply.getError().getCode()).as(hostile).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(reply.getError().getMessage()).as(hostile).contains("join.display_name: control character U+");
        }
    }

    @Test
    void chatTextIsBoundedAndFreeOfControlCharacters() throws Exception {
        ServerMessage tooLong = send(ClientMessage.newBuilder()
                .setRequestId("c")
                .setChat(SendChat.newBuilder().setRoomId("r1").setText("y".repeat(501)))
                .build());
        assertThat(tooLong.getError().getMessage()).isEqualTo("chat.text: 501 chars (expected: at most 500)");
        ServerMessage escape = send(ClientMessage.newBuilder()
                .setRequestId("c")
                .setChat(SendChat.newBuilder().setRoomId("r1").setText("hi \u001b[2J"))
                .build());
        assertThat(escape.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(escape.getError().getMessage())
                .isEqualTo("chat.text: control character U+001B at 3 (expected: printable text)");
    }
}
