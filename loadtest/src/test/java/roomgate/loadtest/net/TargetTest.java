package roomgate.loadtest.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void oneEndpointGetsTheRoutingKeyAsQuery() {
        Target gateway = Target.parse("ws://127.0.0.1:8080/ws");
        assertThat(gateway.uriFor("bench-1.p1g0").toString()).isEqualTo("ws://127.0.0.1:8080/ws?room=bench-1.p1g0");
    }

    @Test
    void directSendsAKeyAlwaysToTheSameNodeAndSpreadsKeysOverAll() {
        Target direct = Target.parse("direct:ws://127.0.0.1:9101/ws,ws://127.0.0.1:9102/ws,ws://127.0.0.1:9103/ws");
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            int endpoint = direct.endpointOf("room-" + i);
            assertThat(direct.endpointOf("room-" + i)).isEqualTo(endpoint);
            counts.merge(endpoint, 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(0, 1, 2);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
        assertThat(direct.uriFor("room-7").getQuery()).isEqualTo("room=room-7");
    }

    @Test
    void badTargetsAreRefused() {
        assertThatThrownBy(() -> Target.parse("http://127.0.0.1/ws")).hasMessageContaining("expected ws://");
        assertThatThrownBy(() -> Target.parse("ws://a/ws,ws://b/ws")).hasMessageContaining("direct:");
        assertThatThrownBy(() -> Target.parse("ws://a/ws?room=x")).hasMessageContaining("without a query");
    }
}
