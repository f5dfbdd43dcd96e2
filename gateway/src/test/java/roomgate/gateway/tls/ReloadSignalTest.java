package roomgate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReloadSignalTest {
    @Test
    void sighupCallsTheReloadInsteadOfStoppingTheProcess() throws Exception {
        AtomicInteger reloads = new AtomicInteger();
        // Installed first: SIGHUP's default would stop this JVM.
        assertThat(ReloadSignal.install(reloads::incrementAndGet)).isTrue();

        Class<?> signal = Class.forName("sun.misc.Signal");
        Object hup = signal.getConstructor(String.class).newInstance("HUP");
        signal.getMethod("raise", signal).invoke(null, hup);
        await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 1);

        signal.getMethod("raise", signal).invoke(null, hup);
        await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 2);
    }
}
