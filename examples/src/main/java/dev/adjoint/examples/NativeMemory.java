package dev.adjoint.examples;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

/**
 * Gives the memory that ND4J's native temporaries leave behind back to the operating system after
 * Java garbage collections.
 *
 * <p>Why: every ND4J call allocates small native objects (op contexts, shape buffers) that are freed
 * only when the collector finds their Java owners. By then glibc's malloc has grown its heaps to hold
 * a collection's worth of them, and it keeps the freed memory, several times what is in use
 * (docs/PERFORMANCE.md). {@code malloc_trim(0)} returns
 * free pages to the system. The bench example calls {@link #afterStep()} after every step (its
 * {@code --trim} option), which trims once after each collection, a few hundred milliseconds later so
 * ND4J's deallocator threads have done their work. Not part of the library: a glibc call through
 * JNA, Linux-only, kept here to measure what the allocator holds (docs/PERFORMANCE.md).
 */
final class NativeMemory {
    /** The C library's malloc_trim, through JNA. */
    private interface C extends Library {
        int malloc_trim(long pad);

        MallocInfo.ByValue mallinfo2();
    }

    /** glibc's struct mallinfo2: ten size_t fields, in this order. */
    public static class MallocInfo extends Structure {
        public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;

        @Override
        protected List<String> getFieldOrder() {
            return Arrays.asList("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost");
        }

        /** JNA's marker for a struct returned by value. */
        public static class ByValue extends MallocInfo implements Structure.ByValue {
        }
    }

    /** The collectors, looked up once: {@link #afterStep()} runs on every training step. */
    private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();

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
     * What glibc's malloc holds: {held from the system, in use, free in its heaps}, in bytes (from
     * {@code mallinfo2()}), or null where there is no glibc. For memory reports.
     */
    public static synchronized long[] mallocHeldInUseFree() {
        C c = libc();
        if (c == null) {
            return null;
        }
        try {
            MallocInfo m = c.mallinfo2();
            return new long[] {m.arena + m.hblkhd, m.uordblks + m.hblkhd, m.fordblks};
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null; // glibc before 2.33 has no mallinfo2
        }
    }

    /**
     * Returns malloc's free memory to the operating system now. Returns false where there is no glibc
     * (the call is then a no-op).
     */
    public static synchronized boolean trim() {
        C c = unavailable ? null : libc();
        if (c == null) {
            return false;
        }
        try {
            c.malloc_trim(0);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            unavailable = true; // not glibc: nothing to trim, and no reason to fail a training step
            return false;
        }
        trims++;
        return true;
    }

    /** The C library, or null (remembered) where it is not glibc. */
    private static C libc() {
        if (libc == null && !unavailable) {
            try {
                libc = Native.loadLibrary("c", C.class);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                unavailable = true;
            }
        }
        return libc;
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean b : COLLECTORS) {
            n += Math.max(0, b.getCollectionCount());
        }
        return n;
    }
}
