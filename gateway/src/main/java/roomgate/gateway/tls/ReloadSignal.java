package roomgate.gateway.tls;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads the client port's certificate, for operators who renew the files and then signal
 * the process (as with nginx); the {@link CertificateWatcher} also sees the change without it.
 *
 * <p>Through reflection on {@code sun.misc.Signal} (module jdk.unsupported, in every JDK since 9):
 * naming the class in code draws javac's proprietary-API warning, which no annotation suppresses and
 * this build's {@code -Werror} refuses. The handler replaces the JVM's default for SIGHUP, which is to
 * shut down; it runs on the JVM's signal thread, never on an event loop.
 */
public final class ReloadSignal {
    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {}

    /** Calls {@code reload} on every SIGHUP; false (logged) if this JVM does not allow it. */
    public static boolean install(Runnable reload) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            InvocationHandler onSignal = (proxy, method, args) -> switch (method.getName()) {
                case "handle" -> {
                    log.info("SIGHUP: reloading the TLS certificate");
                    try {
                        reload.run();
                    } catch (RuntimeException e) {
                        log.warn("TLS certificate reload failed", e);
                    }
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "roomgate SIGHUP handler";
            };
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            Object proxy = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, onSignal);
            signal.getMethod("handle", signal, handler).invoke(null, hup, proxy);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn(
                    "SIGHUP cannot reload the TLS certificate in this JVM ({}); the file watch still does",
                    e.toString());
            return false;
        }
    }
}
