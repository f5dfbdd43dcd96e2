package roomgate.node.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ChatMessage;

class ChatHistoryTest {
    @Test
    void keepsOnlyTheLatestMessagesOldestFirst() {
        ChatHistory history = new ChatHistory(10);
        for (int i = 1; i <= 12; i++) {
            history.add(ChatMessage.newBuilder().setText("m" + i).build());
        }
        assertThat(history.latest())
                .extracting(ChatMessage::getText)
                .containsExactly("m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12");
    }
}
