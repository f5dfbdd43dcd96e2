package roomgate.feed;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import roomgate.cluster.FeedTopics;

/**
 * Recorded prices to replay: a CSV file of {@code timestamp,symbol,price} lines, the timestamp in
 * epoch milliseconds or ISO-8601 ({@code 2024-05-02T13:30:00.250Z}). A first line that does not
 * parse is taken for a header; blank lines and lines starting with {@code #} are skipped. Each
 * symbol becomes topic {@code stock.SYMBOL}.
 */
final class CsvReplay {
    /** One price, {@code atMillis} after the first row. */
    record Row(long atMillis, String topic, double price) {}

    private CsvReplay() {}

    static List<Row> read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in.lines().toList(), file.toString());
        }
    }

    static List<Row> parse(List<String> lines, String source) {
        List<Row> rows = new ArrayList<>();
        boolean firstLine = true;
        long first = 0;
        long previous = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean mayBeHeader = firstLine;
            firstLine = false;
            String where = source + ":" + (i + 1);
            String[] fields = line.split(",");
            if (fields.length != 3) {
                throw new IllegalArgumentException(
                        where + ": " + fields.length + " fields (expected: timestamp,symbol,price)");
            }
            long at;
            double price;
            try {
                at = timestamp(fields[0].strip());
                price = Double.parseDouble(fields[2].strip());
            } catch (NumberFormatException | DateTimeParseException e) {
                if (mayBeHeader) {
                    continue;
                }
                throw new IllegalArgumentException(where + ": '" + line + "' (expected: timestamp,symbol,price)");
            }
            String topic = "stock." + fields[1].strip();
            String problem = FeedTopics.problemWith(topic);
            if (problem != null) {
                throw new IllegalArgumentException(where + ": " + problem);
            }
            if (rows.isEmpty()) {
                first = at;
            } else if (at < previous) {
                throw new IllegalArgumentException(
                        where + ": timestamp goes back in time (expected: rows in time order)");
            }
            previous = at;
            rows.add(new Row(at - first, topic, price));
        }
        return rows;
    }

    private static long timestamp(String field) {
        if (!field.isEmpty() && field.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(field);
        }
        return Instant.parse(field).toEpochMilli();
    }
}
