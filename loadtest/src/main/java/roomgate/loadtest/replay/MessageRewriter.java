package roomgate.loadtest.replay;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import roomgate.protocol.v1.ClientMessage;

/**
 * Points a recorded client message at another room and gives it another request_id. The room is
 * found by reflection, as the {@code room_id} field of whichever body the message has, so message
 * types added to the protocol after this code (a draw claim, an arena input) are rewritten too.
 */
final class MessageRewriter {
    private static final OneofDescriptor BODY = ClientMessage.getDescriptor().getOneofs().stream()
            .filter(o -> o.getName().equals("body"))
            .findFirst()
            .orElseThrow();

    private MessageRewriter() {}

    /** The message with its room_id set to {@code roomId}, or null if its body has no room_id. */
    static ClientMessage retarget(ClientMessage message, String roomId, String requestId) {
        FieldDescriptor bodyField = message.getOneofFieldDescriptor(BODY);
        if (bodyField == null || bodyField.getType() != FieldDescriptor.Type.MESSAGE) {
            return null;
        }
        Message body = (Message) message.getField(bodyField);
        FieldDescriptor room = body.getDescriptorForType().findFieldByName("room_id");
        if (room == null || room.getType() != FieldDescriptor.Type.STRING) {
            return null;
        }
        Message retargeted = body.toBuilder().setField(room, roomId).build();
        return message.toBuilder()
                .setField(bodyField, retargeted)
                .setRequestId(requestId)
                .build();
    }
}
