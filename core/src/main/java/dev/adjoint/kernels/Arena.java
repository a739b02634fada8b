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
 * Memory for one training step, reused by the next one.
 *
 * <p>Without an arena every op's output is a fresh off-heap ND4J array that is freed only when the
 * garbage collector happens to collect its Java wrapper. That makes each op pay for new memory
 * (page faults, zeroing) and lets resident memory drift with GC timing. Inside an arena the kernels
 * take their output arrays from a per-thread pool instead; closing the arena gives every array it
 * lent back to the pool, so the next step finds the same buffers, already mapped and warm:
 *
 * <pre>{@code
 * for (Batch b : loader) {
 *     try (Arena step = Arena.open()) {
 *         Tensor loss = lossFn.apply(model.forward(b.inputs()), b.labels());
 *         optimizer.zeroGrad();
 *         loss.backward();
 *         optimizer.step();
 *         total += loss.item();      // read what you need before the arena closes
 *     }
 * }
 * }</pre>
 *
 * <p>The rule: a tensor whose memory came from the arena is valid until the arena closes. After
 * that its {@link Tensor#data()} throws {@link IllegalStateException} instead of showing values that
 * the next step has overwritten; {@link Tensor#copy()} (made inside) survives. A batch a
 * {@code DataLoader} makes inside the arena lives in it too. Parameters,
 * their gradients (the engine accumulates them into memory of their own), optimizer state and
 * tensors made by the user live outside the pool and are unaffected.
 *
 * <p>Arenas are per thread and do not nest. Code that never opens one behaves exactly as before.
 */
public final class Arena implements AutoCloseable {
    private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);

    private final Pool pool;
    private final List<Lent> lent = new ArrayList<>();
    private final List<int[]> lentInts = new ArrayList<>();
    private final Set<DataBuffer> lentBuffers = Collections.newSetFromMap(new IdentityHashMap<>());
    private final long step;
    private boolean closed;

    private Arena(Pool pool) {
        this.pool = pool;
        this.step = ++pool.arenas;
    }

    /** Opens an arena on this thread; close it (try-with-resources) at the end of the step. */
    public static Arena open() {
        Arena current = CURRENT.get();
        if (current != null) {
            throw new IllegalStateException("Arena.open: " + current + " is still open on this thread; arenas do not nest");
        }
        Arena a = new Arena(POOL.get());
        CURRENT.set(a);
        return a;
    }

    /** The open arena of this thread, or null. */
    public static Arena current() {
        return CURRENT.get();
    }

    /**
     * An array of the given type and shape whose contents are undefined: from the pool when an
     * arena is open on this thread, else a new ND4J array. For kernels that write every element.
     */
    public static INDArray allocate(DataType type, long... shape) {
        Arena a = CURRENT.get();
        return a == null ? Nd4j.create(type, shape) : a.take(type, shape);
    }

    /** As {@link #allocate}, filled with zeros. */
    public static INDArray zeros(DataType type, long... shape) {
        Arena a = CURRENT.get();
        if (a == null) {
            return Nd4j.create(type, shape);
        }
        INDArray z = a.take(type, shape);
        z.assign(0);
        return z;
    }

    /**
     * A Java {@code int[]} of length {@code n} whose contents are undefined, lent for the step when an
     * arena is open on this thread (e.g. max pooling's argmax, kept from forward to backward), else
     * a new array. Saves the heap from a fresh array per op and step.
     */
    public static int[] ints(int n) {
        Arena a = CURRENT.get();
        if (a == null) {
            return new int[n];
        }
        if (a.closed) {
            throw new IllegalStateException(a + " is closed");
        }
        ArrayDeque<int[]> free = a.pool.freeInts.get(n);
        int[] v = free == null ? null : free.poll();
        if (v == null) {
            v = new int[n];
            a.pool.bytes += 4L * n;
        }
        a.lentInts.add(v);
        return v;
    }

    /** Drops this thread's pooled arrays so the garbage collector can free them (e.g. after training). */
    public static void clearPool() {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("Arena.clearPool: an arena is open on this thread");
        }
        POOL.get().free.clear();
        POOL.get().freeInts.clear();
        POOL.get().bytes = 0;
    }

    /** Bytes held by this thread's pool, lent or free: flat from the second step of a training loop on. */
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
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        for (Lent l : lent) {
            l.queue.push(l.array);
        }
        for (int[] v : lentInts) {
            pool.freeInts.computeIfAbsent(v.length, k -> new ArrayDeque<>()).push(v);
        }
        lent.clear();
        lentInts.clear();
        lentBuffers.clear();
        dev.adjoint.kernels.cpu.NativeMemory.afterStep();
    }

    @Override
    public String toString() {
        return "Arena(step " + step + (closed ? ", closed" : ", open, " + lent.size() + " arrays lent") + ", pool "
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
        final Map<Integer, ArrayDeque<int[]>> freeInts = new HashMap<>();
        long bytes;
        long arenas;
    }
}
