package dev.adjoint;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Gives the memory that ND4J's native temporaries leave behind back to the operating system after
 * Java garbage collections.
 *
 * <p>Why: every ND4J call allocates small native objects (op contexts, shape buffers) that are freed
 * only when the collector finds their Java owners. By then glibc's malloc has grown its heaps to hold
 * a collection's worth of them, and it keeps the freed memory: in a 2,000-step LeNet run malloc held
 * 166 MB of free memory against 29 MB in use (docs/PERFORMANCE.md). {@code malloc_trim(0)} returns
 * free pages to the system. {@link Arena#close()} calls {@link #afterStep()}, which trims once after
 * each collection, a few hundred milliseconds later so ND4J's deallocator threads have done their work.
 */
public final class NativeMemory {
    /** The C library's malloc_trim, through JNA. */
    private interface C extends Library {
        int malloc_trim(long pad);
    }

    private static final long DELAY_NANOS = 300_000_000L;
    private static volatile boolean enabled = true;
    private static C libc;
    private static boolean unavailable;
    private static long seenCollections = -1;
    private static long collectedAt;
    private static long trims;

    private NativeMemory() {
    }

    /** Turns trimming after collections on (the default) or off. */
    public static void trimAfterCollections(boolean on) {
        enabled = on;
    }

    /** How many times {@link #trim()} has run, for the memory benchmark's report. */
    public static synchronized long trims() {
        return trims;
    }

    /** Called at the end of every training step: trims once after each new garbage collection. */
    public static synchronized void afterStep() {
        if (!enabled || unavailable) {
            return;
        }
        long collections = collections();
        long now = System.nanoTime();
        if (collections != seenCollections) {
            boolean first = seenCollections < 0;
            seenCollections = collections;
            collectedAt = first ? 0 : now;
        } else if (collectedAt != 0 && now - collectedAt > DELAY_NANOS) {
            collectedAt = 0;
            trim();
        }
    }

    /**
     * Returns malloc's free memory to the operating system now. Returns false where there is no glibc
     * (the call is then a no-op).
     */
    public static synchronized boolean trim() {
        if (unavailable) {
            return false;
        }
        try {
            if (libc == null) {
                libc = Native.loadLibrary("c", C.class);
            }
            libc.malloc_trim(0);
            trims++;
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            unavailable = true; // not glibc: nothing to trim, and no reason to fail a training step
            return false;
        }
    }

    private static long collections() {
        long n = 0;
        List<GarbageCollectorMXBean> beans = ManagementFactory.getGarbageCollectorMXBeans();
        for (GarbageCollectorMXBean b : beans) {
            n += Math.max(0, b.getCollectionCount());
        }
        return n;
    }
}
