package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import roomgate.placement.NodeInfo;

/** Room ids as keys of the fan-out's lookup: equal by their bytes however held, and spread over HashMap's buckets. */
class RoomIdKeyTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void aKeptIdAndAViewOfTheSameBytesAreOneKey() {
        RoomIdKey kept = RoomIdKey.of("bench-closed-17");
        // A view inside a larger frame, as the link decoder hands it over.
        ByteBuf frame = utf8("..bench-closed-17..");
        RoomIdKey probe = RoomIdKey.newProbe().probe(frame.slice(2, 15));
        assertThat(probe).isEqualTo(kept).hasSameHashCodeAs(kept);
        assertThat(probe.compareTo(kept)).isZero();
        assertThat(probe.probe(utf8("bench-closed-18"))).isNotEqualTo(kept);
        assertThat(probe.compareTo(kept)).isPositive();
        assertThat(probe.probe(utf8("bench-closed-1"))).isNotEqualTo(kept);
        assertThat(probe.compareTo(kept)).as("a prefix comes first").isNegative();
        assertThat(RoomIdKey.of("zimmer-ä")).isEqualTo(RoomIdKey.newProbe().probe(utf8("zimmer-ä")));
        assertThat(RoomIdKey.of("é").compareTo(RoomIdKey.of("z")))
                .as("bytes compared unsigned")
                .isPositive();
    }

    /**
     * Room ids as clients and benchmarks name them, placed in buckets as java.util.HashMap places
     * them (its table: the next power of two over size / 0.75; a key's bucket: its hash xor the
     * hash's top 16 bits, masked): no bucket reaches the 8 keys at which HashMap makes a tree. The
     * ByteBuf's own hash, which the map used before, does for these sets.
     */
    @ParameterizedTest
    @CsvSource({
        "bench-closed-%d, 1000",
        "bench-fanout-%d, 300",
        "room-%d, 10000",
        "r%d, 10000",
        "t%04d, 10000",
        "out-1234-%d, 3000",
        "chess-%05d, 10000",
        "arena-%d, 2000",
    })
    void idsAsProducedInPracticeNeverFillABucketToATree(String format, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(String.format(format, i));
        }
        assertThat(largestBucket(ids, id -> RoomIdKey.of(id).hashCode()))
                .as("the largest bucket of %d ids %s", count, format)
                .isLessThan(8);
    }

    @Test
    void theByteBufHashFilledBucketsToTreesForTheSameIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add("bench-closed-" + i);
        }
        assertThat(largestBucket(ids, id -> utf8(id).hashCode()))
                .as("what the test above would have caught")
                .isGreaterThanOrEqualTo(8);
    }

    private static int largestBucket(List<String> ids, ToIntFunction<String> hash) {
        int capacity = Integer.highestOneBit((int) (ids.size() / 0.75f)) << 1;
        int[] buckets = new int[capacity];
        int largest = 0;
        for (String id : ids) {
            int h = hash.applyAsInt(id);
            int bucket = (h ^ (h >>> 16)) & (capacity - 1);
            largest = Math.max(largest, ++buckets[bucket]);
        }
        return largest;
    }

    /** The fan-out's lookup by a link frame's bytes makes nothing: no String, no key, per event. */
    @Test
    void lookingARoomUpByItsBytesAllocatesNothing() {
        LocalRooms rooms = new LocalRooms();
        NodeInfo node = RouterHarness.nodeInfo("n1");
        List<ByteBuf> views = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rooms.getOrAdd("bench-closed-" + i, node);
            views.add(utf8("bench-closed-" + i));
        }
        views.add(utf8("no-such-room"));
        int lookups = 0;
        long allocated = 0;
        for (int round = 0; round < 3; round++) { // the first warms up: class loading, compilation
            long before = THREADS.getCurrentThreadAllocatedBytes();
            int found = 0;
            for (int i = 0; i < 100; i++) {
                for (ByteBuf view : views) {
                    found += rooms.get(view) != null ? 1 : 0;
                }
            }
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            lookups = 100 * views.size();
            assertThat(found).isEqualTo(100 * 1000);
        }
        assertThat(allocated).as("bytes allocated by %d lookups", lookups).isLessThan(lookups);
    }
}
