package roomgate.node.room;

import java.util.ArrayDeque;
import java.util.List;
import roomgate.protocol.v1.ChatMessage;

/** The latest chat messages of a room, oldest first, handed to whoever joins. */
public final class ChatHistory {
    /**
     * The chat messages a room shows whoever joins, and all of them a room's stored record keeps:
     * older ones are never shown again, and kept they would grow the record with every line.
     */
    public static final int SHOWN = 10;

    private final int capacity;
    private final ArrayDeque<ChatMessage> messages;

    public ChatHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.capacity = capacity;
        this.messages = new ArrayDeque<>(capacity);
    }

    public void add(ChatMessage message) {
        if (messages.size() == capacity) {
            messages.removeFirst();
        }
        messages.addLast(message);
    }

    public List<ChatMessage> latest() {
        return List.copyOf(messages);
    }
}
