package dev.adjoint.memory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Index arrays handed back for reuse: max pooling's argmax, one int per output, which a LeNet step
 * made anew at every forward (the largest Java allocation of the step) and dropped after its
 * backward. A Function gives its array back when it is freed after a backward pass that recorded
 * no graph holding it; {@link #take} hands it to the next forward of the same size. Arrays of a
 * length nobody took since the pool's previous collection are dropped before the next one, so an
 * evaluation at another batch size does not leave its arrays on the heap for good.
 */
public final class IntArrays {
    /** Arrays kept per length: a network's pooling layers at one or two batch sizes each. */
    static final int MAX_PER_LENGTH = 4;

    /**
     * The most bytes kept over all lengths: a sixteenth of the Java heap's maximum, so the indices
     * of a large network's pooling (ResNet-18's stem at batch 128: ~100 MB) are reused too, while
     * idle arrays never take much of the heap. Past it, given-back arrays are left to the collector.
     */
    static final long MAX_BYTES = Runtime.getRuntime().maxMemory() / 16;

    private static final Map<Integer, ArrayDeque<int[]>> FREE = new HashMap<>();
    private static long keptBytes;
    /** Lengths taken since the last {@link #dropIdle}. */
    private static final java.util.Set<Integer> TAKEN = new java.util.HashSet<>();

    private IntArrays() {
    }

    /** An array of exactly {@code n} ints whose contents are undefined: the caller writes every element. */
    public static int[] take(int n) {
        synchronized (FREE) {
            TAKEN.add(n);
            ArrayDeque<int[]> q = FREE.get(n);
            int[] a = q == null ? null : q.poll();
            if (a != null) {
                keptBytes -= 4L * n;
                return a;
            }
        }
        return new int[n];
    }

    /** Gives {@code a} back for reuse. Only for an array nothing will read again: its next owner overwrites it. */
    public static void give(int[] a) {
        if (a == null || a.length == 0) {
            return;
        }
        synchronized (FREE) {
            ArrayDeque<int[]> q = FREE.computeIfAbsent(a.length, k -> new ArrayDeque<>());
            if (q.size() < MAX_PER_LENGTH && keptBytes + 4L * a.length <= MAX_BYTES) {
                q.push(a);
                keptBytes += 4L * a.length;
            }
        }
    }

    /** Drops the arrays of every length not taken since the previous call (run before each of the pool's collections). */
    static void dropIdle() {
        synchronized (FREE) {
            FREE.entrySet().removeIf(e -> {
                boolean idle = !TAKEN.contains(e.getKey());
                if (idle) {
                    keptBytes -= 4L * e.getKey() * e.getValue().size();
                }
                return idle;
            });
            TAKEN.clear();
        }
    }

    /** The bytes of arrays kept for reuse now (for tests). */
    static long keptBytes() {
        synchronized (FREE) {
            return keptBytes;
        }
    }
}
