package dev.adjoint.kernels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Memory for training steps, reused by the steps that follow.
 *
 * <p>Without pooling every op's output is a fresh off-heap ND4J array, freed only when the garbage
 * collector happens to collect its Java wrapper: each op pays for new memory (page faults, zeroing)
 * and resident memory grows with the time between collections, which the collector does not know
 * to shorten (the memory is not on its heap). The fast kernels therefore take their output arrays
 * from a per-thread pool whenever an arena is current, and an arena gives its arrays back to the
 * pool when it closes, so later steps find the same buffers, already mapped and warm.
 *
 * <p><b>Step arenas (automatic).</b> The library opens them itself: every {@code optimizer.step()}
 * ends with {@link #endOfStep()}, which starts a new step arena and closes the one that ended
 * {@link #LIVE_STEPS} steps before. So a tensor made during a training step stays valid through
 * the next two optimizer steps (a GAN steps two optimizers per iteration: its losses and fake
 * images are still there when the iteration ends), and is released after that: its
 * {@code Tensor.data()} then throws {@link IllegalStateException} instead of showing values a later
 * step wrote. Read what you keep ({@code loss.item()}) or {@code copy()} it. Before the first
 * optimizer step, inside {@code GradMode.disabled()} (evaluation) and on threads that never step an
 * optimizer, nothing is pooled and memory is freed by the garbage collector as before.
 *
 * <p><b>Explicit arenas.</b> {@link #open()} around any block pools that block's memory until the
 * arena closes ({@code try (Arena a = Arena.open()) { ... }}); step arenas wait while one is open.
 *
 * <p>Parameters, their gradients (the engine accumulates them into memory of their own), optimizer
 * state and {@code copy()}s live outside the pool. Arenas are per thread; explicit ones do not nest.
 */
public final class Arena implements AutoCloseable {
    private static final ThreadLocal<Arena> EXPLICIT = new ThreadLocal<>();
    private static final ThreadLocal<Steps> STEPS = ThreadLocal.withInitial(Steps::new);
    private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);

    private final Pool pool;
    private final boolean automatic;
    private final List<Lent> lent = new ArrayList<>();
    private final Set<DataBuffer> lentBuffers = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<int[]> lentInts = Collections.newSetFromMap(new IdentityHashMap<>());
    private final long step;
    private boolean closed;

    private Arena(Pool pool, boolean automatic) {
        this.pool = pool;
        this.automatic = automatic;
        this.step = ++pool.arenas;
    }

    /**
     * How many ended steps keep their memory besides the current one: two, so that everything an
     * iteration of two optimizers (a GAN's) made is still readable when the iteration ends. Each
     * more costs one step's memory in the pool.
     */
    public static final int LIVE_STEPS = 2;

    /** This thread's step arenas: the current step's and those of the last {@link #LIVE_STEPS} ended steps, oldest first. */
    private static final class Steps {
        Arena current;
        final ArrayDeque<Arena> ended = new ArrayDeque<>();
        int suspended;
    }

    /** Opens an explicit arena on this thread; close it (try-with-resources) at the end of the block. */
    public static Arena open() {
        Arena current = EXPLICIT.get();
        if (current != null) {
            throw new IllegalStateException("Arena.open: " + current + " is still open on this thread; arenas do not nest");
        }
        Arena a = new Arena(POOL.get(), false);
        EXPLICIT.set(a);
        return a;
    }

    /** The arena new kernel outputs go to on this thread (an explicit one, else the current step's), or null. */
    public static Arena current() {
        Arena e = EXPLICIT.get();
        if (e != null) {
            return e;
        }
        Steps s = STEPS.get();
        return s.suspended > 0 ? null : s.current;
    }

    /**
     * Ends a training step on this thread: the step that ended {@link #LIVE_STEPS} steps ago gives its
     * memory back (its tensors are released), and a new step arena starts. Optimizers call it at the
     * end of {@code step()}; it does nothing while an explicit arena is open. The first call in the
     * JVM also lets the JVM size its heap to the training loop ({@link HeapSizing}).
     */
    public static void endOfStep() {
        if (EXPLICIT.get() != null) {
            HeapSizing.afterFirstStep();
            return;
        }
        Steps s = STEPS.get();
        if (s.current != null) {
            s.ended.addLast(s.current);
        }
        while (s.ended.size() > LIVE_STEPS) {
            s.ended.removeFirst().close();
        }
        s.current = new Arena(POOL.get(), true);
        HeapSizing.afterFirstStep(); // last: the step's memory bookkeeping is done whatever happens here
    }

    /**
     * Until the returned scope closes, kernels on this thread allocate plainly instead of from the
     * step arena (what {@code GradMode.disabled()} does: evaluation keeps no step memory alive).
     */
    public static Suspension suspendSteps() {
        STEPS.get().suspended++;
        return new Suspension();
    }

    /** Ends a {@link #suspendSteps()}. */
    public static final class Suspension implements AutoCloseable {
        private boolean closed;

        private Suspension() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                STEPS.get().suspended--;
            }
        }
    }

    /**
     * The live arena on this thread whose memory {@code array} uses (an open explicit arena, or the
     * current step's or a live ended step's), or null when the array is not pooled memory.
     */
    public static Arena ownerOf(INDArray array) {
        return liveArena(a -> a.owns(array));
    }

    /** The first live arena on this thread (explicit, current step's, ended steps') that {@code lent} accepts, or null. */
    private static Arena liveArena(java.util.function.Predicate<Arena> lent) {
        Arena e = EXPLICIT.get();
        if (e != null && lent.test(e)) {
            return e;
        }
        Steps s = STEPS.get();
        if (s.current != null && lent.test(s.current)) {
            return s.current;
        }
        for (Arena a : s.ended) {
            if (lent.test(a)) {
                return a;
            }
        }
        return null;
    }

    /**
     * An array of the given type and shape whose contents are undefined: from the pool when an
     * arena is current on this thread, else a new ND4J array. For kernels that write every element.
     */
    public static INDArray allocate(DataType type, long... shape) {
        Arena a = current();
        return a == null ? Nd4j.create(type, shape) : a.take(type, shape);
    }

    /**
     * A Java {@code int[]} of length n whose contents are undefined: lent by the current arena when
     * one is current on this thread (it goes back to the pool when the arena closes), else new.
     * For index arrays a kernel fills and a Function keeps until its backward (max pooling's
     * argmax); the Function asks {@link #ownerOf(int[])} and refuses to use the array once that
     * arena has closed.
     */
    public static int[] ints(int n) {
        Arena a = current();
        return a == null ? new int[n] : a.takeInts(n);
    }

    /** The live arena on this thread that lent {@code ints} ({@link #ints}), or null when it is not pooled. */
    public static Arena ownerOf(int[] ints) {
        return liveArena(a -> a.lentInts.contains(ints));
    }

    /** Gives back this thread's step arenas and drops its pooled arrays so the garbage collector can free them (e.g. after training). */
    public static void clearPool() {
        if (EXPLICIT.get() != null) {
            throw new IllegalStateException("Arena.clearPool: an arena is open on this thread");
        }
        Steps s = STEPS.get();
        for (Arena a : s.ended) {
            a.close();
        }
        if (s.current != null) {
            s.current.close();
        }
        s.ended.clear();
        s.current = null;
        POOL.get().free.clear();
        POOL.get().ints.clear();
        POOL.get().bytes = 0;
    }

    /** Bytes held by this thread's pool, lent or free: flat after the first few steps of a training loop. */
    public static long pooledBytes() {
        return POOL.get().bytes;
    }

    private INDArray take(DataType type, long[] shape) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        // a record key, not a string: this runs for every op output
        ArrayDeque<INDArray> free = pool.free.get(new Shape(type, shape));
        if (free == null) {
            free = new ArrayDeque<>();
            pool.free.put(new Shape(type, shape.clone()), free); // the caller's shape array may change later
        }
        INDArray a = free.poll();
        if (a == null) {
            a = Nd4j.create(type, shape);
            pool.bytes += a.length() * type.width();
        }
        lent.add(new Lent(free, a)); // goes back to the same queue on close
        lentBuffers.add(a.data());
        return a;
    }

    private int[] takeInts(int n) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        ArrayDeque<int[]> free = pool.ints.get(n);
        int[] a = free == null ? null : free.poll();
        if (a == null) {
            a = new int[n];
            pool.bytes += 4L * n;
        }
        lentInts.add(a);
        return a;
    }

    /** Whether {@code array} uses memory this arena lent (views included). */
    public boolean owns(INDArray array) {
        if (lentBuffers.isEmpty() || array.isEmpty()) {
            return false;
        }
        DataBuffer b = array.data();
        while (b != null) {
            if (lentBuffers.contains(b)) {
                return true;
            }
            DataBuffer up = b.underlyingDataBuffer();
            b = up == b ? null : up;
        }
        return false;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Gives every lent array back to the pool; tensors on them become invalid. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!automatic && EXPLICIT.get() == this) {
            EXPLICIT.remove();
        }
        for (Lent l : lent) {
            l.queue.push(l.array);
        }
        lent.clear();
        lentBuffers.clear();
        for (int[] a : lentInts) {
            pool.ints.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
        }
        lentInts.clear();
    }

    @Override
    public String toString() {
        return "Arena(" + (automatic ? "training step " : "#") + step + (closed ? ", closed" : ", open, " + (lent.size() + lentInts.size()) + " arrays lent") + ", pool "
                + String.format("%.1f MB", pool.bytes / 1e6) + ")";
    }

    /** An array lent out, and the pool queue of its type and shape that it returns to. */
    private record Lent(ArrayDeque<INDArray> queue, INDArray array) {
    }

    /** A pool key: type and shape, compared by value. */
    private record Shape(DataType type, long[] dims) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Shape s && s.type == type && Arrays.equals(s.dims, dims);
        }

        @Override
        public int hashCode() {
            return 31 * type.hashCode() + Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return type + Arrays.toString(dims);
        }
    }

    /** Free arrays by type and shape; outlives arenas so each step reuses the previous step's arrays. */
    private static final class Pool {
        final Map<Shape, ArrayDeque<INDArray>> free = new HashMap<>();
        /** Free Java int arrays by length ({@link #ints}). */
        final Map<Integer, ArrayDeque<int[]>> ints = new HashMap<>();
        long bytes;
        long arenas;
    }
}
