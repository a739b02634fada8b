package dev.adjoint.kernels;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One full garbage collection when the first training step in the JVM ends, so that the JVM sizes
 * its heap to what training holds rather than to the machine.
 *
 * <p>Why: without {@code -Xms}/{@code -Xmx} a JVM starts with a heap of 1/64 of the machine's memory
 * (384 MB on a 24 GB machine, 1 GB on 64 GB), and G1 lets its young generation grow to 60% of it.
 * A training step leaves a few hundred KB of short-lived Java objects (graph nodes, array
 * wrappers), so the process's resident memory climbs for the first minutes of training as that
 * young generation is touched for the first time, to about twice what the loop needs, and stays
 * there. After a full collection the collectors give back heap that is mostly free (G1 down to
 * about three times the live data, by {@code MaxHeapFreeRatio}), and with a loop's small live set
 * they keep it that small: young collections then come every second or so and take a few ms.
 *
 * <p>The trade: one full collection, once per JVM, right after the first {@code optimizer.step()}
 * (milliseconds with a small heap; longer if the program holds gigabytes of Java objects).
 * {@code -Dadjoint.resizeHeap=false} turns it off; {@code -XX:+DisableExplicitGC} and a fixed
 * {@code -Xms} also keep the JVM's own sizing. ND4J's memory manager can call {@code System.gc()}
 * periodically for the same kind of reason; this is a single call.
 */
public final class HeapSizing {
    /** The system property that turns the collection off ({@code false}) or on ({@code true}, the default). */
    public static final String PROPERTY = "adjoint.resizeHeap";

    private static final AtomicBoolean DONE = new AtomicBoolean();

    private HeapSizing() {
    }

    /** Called at the end of every training step; collects once, on the first call in the JVM, unless turned off. */
    static void afterFirstStep() {
        if (DONE.get() || !DONE.compareAndSet(false, true)) {
            return;
        }
        if (enabled(System.getProperty(PROPERTY))) {
            System.gc();
        }
    }

    /**
     * Throws {@link IllegalArgumentException} when {@code -Dadjoint.resizeHeap} is neither
     * {@code true} nor {@code false}; optimizers call it when they are made, so the error comes
     * before any step rather than after a step's updates.
     */
    public static void checkProperty() {
        enabled(System.getProperty(PROPERTY));
    }

    /** Whether the first step has ended in this JVM (and the collection, if enabled, ran). */
    public static boolean done() {
        return DONE.get();
    }

    /** The property's meaning: unset or {@code true} on, {@code false} off, anything else an error. */
    static boolean enabled(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": expected true or false");
    }
}
