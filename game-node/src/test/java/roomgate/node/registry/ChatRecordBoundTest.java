package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.node.registry.StripeFixture.joinChess;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import roomgate.node.room.ChatHistory;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * A chess room's stored record is its event log; it keeps the latest chat lines only, however many
 * are sent, and a room rebuilt from it still never sends a resuming session events with a gap.
 */
class ChatRecordBoundTest {
    private static final String ROOM = "chatty";
    private static final int CHAT = 1_000;

    @RegisterExtension
    final StripeFixture<DefaultEventExecutor> fixture = StripeFixture.alone(new DefaultEventExecutor());

    private final RecordingLink link = fixture.link;

    @Test
    void aThousandChatLinesLeaveTheRecordNoLargerThanTheLatestTen() throws Exception {
        fixture.request(link, 1, joinChess(ROOM, Role.PLAYER, Side.WHITE));
        fixture.request(link, 2, joinChess(ROOM, Role.PLAYER, Side.BLACK));
        fixture.request(
                link,
                1,
                ClientMessage.newBuilder()
                        .setMove(ChessMove.newBuilder().setRoomId(ROOM).setUci("e2e4")));
        await().atMost(Duration.ofSeconds(10)).until(() -> lastSequence() == 3);
        int afterTen = 0;
        for (int i = 1; i <= CHAT; i++) {
            fixture.request(
                    link,
                    1 + i % 2,
                    ClientMessage.newBuilder()
                            .setChat(SendChat.newBuilder()
                                    .setRoomId(ROOM)
                                    .setText("line " + i + " " + "x".repeat(100))));
            if (i == ChatHistory.SHOWN) {
                await().atMost(Duration.ofSeconds(10)).until(() -> lastSequence() == 3 + ChatHistory.SHOWN);
                afterTen = stored().getSerializedSize();
            }
        }
        long last = 3 + CHAT;
        await().atMost(Duration.ofSeconds(30)).until(() -> lastSequence() == last);

        RoomRecord record = stored();
        List<RoomEvent> chat =
                record.getEventsList().stream().filter(RoomEvent::hasChat).toList();
        assertThat(chat).hasSize(ChatHistory.SHOWN);
        assertThat(chat.get(0).getChat().getText()).startsWith("line " + (CHAT - ChatHistory.SHOWN + 1) + " ");
        assertThat(chat.get(ChatHistory.SHOWN - 1).getChat().getText()).startsWith("line " + CHAT + " ");
        // The joins and the move stay: the game is rebuilt from them.
        assertThat(record.getEventsList())
                .filteredOn(e -> !e.hasChat())
                .extracting(RoomEvent::getSequence)
                .containsExactly(1L, 2L, 3L);
        // Bounded: a thousand lines of ~110 chars would be over 100 KB; only longer sequence numbers
        // (a byte or two per kept event) separate it from the record after the first ten lines.
        assertThat(record.getSerializedSize()).isLessThanOrEqualTo(afterTen + 4 * ChatHistory.SHOWN);
    }

    @Test
    void aRoomRebuiltFromTheBoundedRecordSendsTheStateToWhoeverMissedDroppedChat() throws Exception {
        fixture.request(link, 1, joinChess(ROOM, Role.PLAYER, Side.WHITE));
        for (int i = 1; i <= 30; i++) {
            fixture.request(
                    link,
                    1,
                    ClientMessage.newBuilder()
                            .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("m" + i)));
        }
        long last = 1 + 30;
        await().atMost(Duration.ofSeconds(10)).until(() -> lastSequence() == last);
        RoomRecord record = stored();
        // Chat 1..20 (events 2..21) were dropped from the record; the latest ten are events 22..31.
        assertThat(record.getEventsList()).extracting(RoomEvent::getSequence).startsWith(1L, 22L);

        RecordingLink again = new RecordingLink(fixture.executor);
        RoomHost rebuilt = fixture.onStripe(() -> RoomHost.rebuild(record, fixture.context, lost -> {}));
        fixture.onStripe(() -> {
            rebuilt.catchUp(again, session(10, 21)); // saw everything up to the kept chat
            rebuilt.catchUp(again, session(11, 5)); // missed dropped chat
            return null;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> again.replies().size() >= 11);
        List<ServerMessage> replies = again.replies();
        assertThat(replies.subList(0, 10))
                .extracting(m -> m.getEvent().getSequence())
                .containsExactly(22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L, 31L);
        assertThat(replies.get(10).hasJoined())
                .as("the whole state, not events with a gap")
                .isTrue();
        assertThat(replies.get(10).getJoined().getChatHistoryList())
                .extracting(ChatMessage::getText)
                .hasSize(ChatHistory.SHOWN)
                .endsWith("m30");
    }

    private static RejoinSession session(long sessionId, long lastSequence) {
        return RejoinSession.newBuilder()
                .setSessionId(sessionId)
                .setParticipantId("p1")
                .setLastSequence(lastSequence)
                .build();
    }

    private RoomRecord stored() {
        return fixture.store.records().read(ROOM).toCompletableFuture().join();
    }

    private long lastSequence() {
        List<RoomEvent> events = link.events();
        return events.isEmpty() ? 0 : events.get(events.size() - 1).getSequence();
    }
}
