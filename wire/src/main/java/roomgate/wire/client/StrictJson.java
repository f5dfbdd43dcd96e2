package roomgate.wire.client;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The checks protobuf's JSON parser leaves out, run on a text frame before it: the text is one JSON
 * object (RFC 8259, no comments or single quotes, nothing after it), no object repeats a key, every
 * key names a field of the message at that place, and every value has the JSON type of its field.
 * {@code JsonFormat} alone takes {@code "roomId":123} or {@code true} as the string "123" or
 * "true", lets the last of two equal keys win, and reads its input leniently.
 *
 * <p>Types, as the proto3 JSON mapping writes them: strings and bytes are JSON strings; bools are
 * {@code true}/{@code false}; numbers are JSON numbers or strings (64-bit integers are written as
 * strings, floats may be {@code "NaN"}), whose value protobuf checks; enums are their names only
 * (a number would let values through that no client is written for); messages and maps are
 * objects; repeated fields are arrays; {@code null} is the field's default, as the mapping says.
 *
 * <p>It walks the text with Gson's tokenizer, already on the classpath as protobuf's JSON parser's
 * own, in its strict mode, against the schema: the walk descends only where the schema has a
 * message, so a deeply nested value is refused at its first bracket. One pass, no tree.
 */
final class StrictJson {
    private static final String LENIENT_ADVICE = "Use JsonReader.setLenient(true) to accept malformed JSON";

    /** Fields of each message type reachable from the root, by JSON name and by proto name. */
    private final Map<Descriptor, Map<String, FieldDescriptor>> fields = new HashMap<>();

    private final Descriptor root;

    StrictJson(Descriptor root) {
        this.root = root;
        index(root);
    }

    private void index(Descriptor type) {
        if (fields.containsKey(type)) {
            return;
        }
        if (type.getFields().size() > Long.SIZE) {
            throw new IllegalArgumentException(type.getFullName() + " has more than 64 fields");
        }
        Map<String, FieldDescriptor> byName = new HashMap<>();
        fields.put(type, byName);
        for (FieldDescriptor field : type.getFields()) {
            byName.put(field.getJsonName(), field);
            byName.put(field.getName(), field);
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                index(field.getMessageType());
            }
        }
    }

    /** Why {@code text} is not a well-typed JSON object of the root message, or null if it is. */
    String problem(String text) {
        try (JsonReader in = new JsonReader(new StringReader(text))) {
            in.setLenient(false);
            if (in.peek() != JsonToken.BEGIN_OBJECT) {
                return "expected a JSON object, got " + describe(in.peek());
            }
            String problem = message(in, root, root.getName());
            if (problem == null && in.peek() != JsonToken.END_DOCUMENT) {
                return "text after the JSON object";
            }
            return problem;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson's MalformedJsonException (an IOException) names the line and column, and advises
            // its own lenient mode, which is no advice for a client.
            return "not valid JSON (" + String.valueOf(e.getMessage()).replace(LENIENT_ADVICE, "malformed JSON") + ")";
        }
    }

    private String message(JsonReader in, Descriptor type, String path) throws IOException {
        Map<String, FieldDescriptor> byName = fields.get(type);
        // Fields seen, by index: our messages have far fewer than 64 (checked when indexing).
        long seen = 0;
        in.beginObject();
        while (in.hasNext()) {
            String name = in.nextName();
            FieldDescriptor field = byName.get(name);
            if (field == null) {
                return path + ": unknown field \"" + name + "\"";
            }
            long bit = 1L << field.getIndex();
            if ((seen & bit) != 0) {
                return path + ": field " + field.getJsonName() + " given twice";
            }
            seen |= bit;
            String problem = value(in, field, path + "." + field.getJsonName());
            if (problem != null) {
                return problem;
            }
        }
        in.endObject();
        return null;
    }

    private String value(JsonReader in, FieldDescriptor field, String path) throws IOException {
        JsonToken token = in.peek();
        if (token == JsonToken.NULL) {
            in.nextNull();
            return null;
        }
        if (field.isMapField()) {
            if (token != JsonToken.BEGIN_OBJECT) {
                return path + ": expected a JSON object (a map), got " + describe(token);
            }
            FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
            Set<String> keys = new HashSet<>();
            in.beginObject();
            while (in.hasNext()) {
                String key = in.nextName();
                if (!keys.add(key)) {
                    return path + ": key \"" + key + "\" given twice";
                }
                String problem = single(in, valueField, path + "[\"" + key + "\"]");
                if (problem != null) {
                    return problem;
                }
            }
            in.endObject();
            return null;
        }
        if (field.isRepeated()) {
            if (token != JsonToken.BEGIN_ARRAY) {
                return path + ": expected a JSON array, got " + describe(token);
            }
            in.beginArray();
            for (int i = 0; in.hasNext(); i++) {
                String problem = single(in, field, path + "[" + i + "]");
                if (problem != null) {
                    return problem;
                }
            }
            in.endArray();
            return null;
        }
        return single(in, field, path);
    }

    /** One value of the field's type (an element, for a repeated field). */
    private String single(JsonReader in, FieldDescriptor field, String path) throws IOException {
        JsonToken token = in.peek();
        boolean ok = switch (field.getJavaType()) {
            case STRING, BYTE_STRING, ENUM -> token == JsonToken.STRING;
            case BOOLEAN -> token == JsonToken.BOOLEAN;
            case INT, LONG, FLOAT, DOUBLE -> token == JsonToken.NUMBER || token == JsonToken.STRING;
            case MESSAGE -> token == JsonToken.BEGIN_OBJECT;
        };
        if (!ok) {
            return path + ": expected " + expected(field) + ", got " + describe(token);
        }
        switch (token) {
            case BEGIN_OBJECT -> {
                return message(in, field.getMessageType(), path);
            }
            case BOOLEAN -> in.nextBoolean();
            default -> in.nextString(); // a NUMBER too: protobuf reads its value from the text
        }
        return null;
    }

    private static String expected(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case STRING, BYTE_STRING -> "a JSON string";
            case ENUM -> "the name of a " + field.getEnumType().getName() + " as a JSON string";
            case BOOLEAN -> "true or false";
            case INT, LONG, FLOAT, DOUBLE -> "a number (or a string holding one)";
            case MESSAGE -> "a JSON object (" + field.getMessageType().getName() + ")";
        };
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_OBJECT -> "an object";
            case BEGIN_ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "the end of the text";
            default -> token.name();
        };
    }
}
