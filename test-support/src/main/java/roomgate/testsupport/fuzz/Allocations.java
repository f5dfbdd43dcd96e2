package roomgate.testsupport.fuzz;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the current thread allocates while decoding one fuzz input, to check that decoding costs a
 * bounded multiple of the input's size: a decoder that believed a declared length would allocate it.
 * Loading a class allocates too (and while Jazzer fuzzes, instrumenting it allocates megabytes), so a
 * run that loaded classes does not count: it is discarded and the input decoded again. The fuzz tests of
 * the wire and gateway modules use it.
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    private static final int TRIES = 3;

    private Allocations() {}

    /** A result of the work and the bytes its run allocated. */
    public record Measured<T>(T result, long bytes) {}

    /**
     * Runs {@code work} until a run loads no class (at most three times; the count is the whole
     * JVM's, so another thread's loading may make it try again) and measures the last run;
     * {@code discard} releases the result of each run that does not count.
     */
    public static <T> Measured<T> measure(Supplier<T> work, Consumer<T> discard) {
        for (int tries = 1; ; tries++) {
            long classes = CLASSES.getTotalLoadedClassCount();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            T result = work.get();
            long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (CLASSES.getTotalLoadedClassCount() == classes || tries == TRIES) {
                return new Measured<>(result, bytes);
            }
            discard.accept(result);
        }
    }
}
