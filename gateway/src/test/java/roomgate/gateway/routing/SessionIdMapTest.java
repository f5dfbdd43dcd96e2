package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The loop's map by session id: a map like any other, whose probe runs stay short for ids as gateways make them. */
class SessionIdMapTest {
    @Test
    void behavesAsAMapUnderRandomPutsAndRemoves() {
        Random random = new Random(42);
        SessionIdMap<String> map = new SessionIdMap<>();
        Map<Long, String> expected = new HashMap<>();
        for (int op = 0; op < 100_000; op++) {
            // Few distinct keys, so removals hit and runs of displaced entries form and get shifted back.
            long key = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(3_000) * 4L;
            String got;
            String want;
            if (random.nextInt(3) == 0) {
                got = map.remove(key);
                want = expected.remove(key);
            } else {
                String value = "v" + op;
                got = map.put(key, value);
                want = expected.put(key, value);
            }
            if (!Objects.equals(got, want) || map.size() != expected.size()) {
                throw new AssertionError("op " + op + " on " + key + ": " + got + " (expected " + want + "), size "
                        + map.size() + " (expected " + expected.size() + ")");
            }
            if (op % 10_000 == 0) {
                expected.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
            }
        }
        expected.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
        List<Long> keys = new ArrayList<>();
        map.forEachKey(keys::add);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(map.get(-1L)).as("absent").isNull();
    }

    /**
     * The ids of one loop's sessions: every n-th of the gateway's (connections dealt to n loops),
     * with some out of turn, and the ones that closed removed. Long.hashCode in a power-of-two
     * table would use one slot in n for them.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 64, 1024})
    void theIdsOfOneLoopSpreadOverTheTable(int loops) {
        Random random = new Random(loops);
        SessionIdMap<String> map = new SessionIdMap<>();
        List<Long> ids = new ArrayList<>();
        long id = 1 + random.nextInt(loops);
        for (int i = 0; i < 20_000; i++) {
            ids.add(id);
            map.put(id, "s");
            id += random.nextInt(10) == 0 ? 1 + random.nextInt(2 * loops) : loops;
        }
        for (int i = 0; i < ids.size(); i += 3) {
            map.remove(ids.get(i));
        }
        long total = 0;
        int longest = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (i % 3 != 0) {
                int probes = map.probeLength(ids.get(i));
                total += probes;
                longest = Math.max(longest, probes);
            }
        }
        double mean = (double) total / map.size();
        assertThat(mean).as("slots looked at per lookup, on average").isLessThan(1.6);
        assertThat(longest).as("the longest lookup").isLessThanOrEqualTo(12);
    }
}
