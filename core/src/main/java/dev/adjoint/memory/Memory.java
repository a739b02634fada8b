package dev.adjoint.memory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where every op's output memory comes from: PyTorch's rule on the JVM. An array stays valid as
 * long as anything can reach it; memory nothing can reach any more is reused by later arrays of the
 * same size.
 *
 * <p>Why a pool at all: a new off-heap ND4J array costs page faults and zeroing, and is freed only
 * when the garbage collector happens to collect its small Java wrapper, which it does not hurry to
 * do (the memory is not on its heap). So kernels take outputs from here instead: each output is a
 * fresh ND4J buffer over a block of native memory the pool owns, and the pool watches the buffer's
 * reachability (a phantom reference). Once no tensor, view, {@code data()} result or saved graph
 * refers to the buffer, its block goes back to the free list of its byte size.
 *
 * <p>Reachability is only known after a garbage collection. When the pool would grow past its
 * limit (what is lent plus a headroom), it asks for one, as the JDK does for direct buffers, and
 * reuses what came back. The headroom adapts so that these collections take about
 * {@link #COLLECTION_SHARE} of the running time ({@link #DROPPED_GRAPH_COLLECTION_SHARE} while
 * they mostly find graphs dropped without a backward pass): a loop that allocates fast relative to what a
 * collection costs gets more headroom, one that allocates slowly less; and it is never more than
 * {@link #MAX_HEADROOM_PER_LENT} times the working set (or {@link #BOUNDED_HEADROOM_FLOOR}, if
 * more). The working set is what is still lent after a collection, or what the largest recent
 * graph held for its backward pass ({@link #graphReleased}) if more: a collection in the middle of
 * a forward pass finds only part of a step's memory reachable. Free blocks that no lease needed
 * through two intervals between collections are freed, so the pool shrinks when demand falls and a
 * steady loop neither frees nor allocates. Memory ND4J allocates
 * on its own (the reference kernels' arrays) is watched too: when the process outside the Java
 * heap grows past the headroom, the pool asks for a collection on its behalf.
 *
 * <p>The autograd engine and the kernels give back what they alone hold (a gradient the backward
 * pass has consumed, a kernel's scratch) at once with {@link #release}: that memory never waits
 * for a collection. A {@code Sequential} of the library's own layers hands its intermediate outputs
 * to {@link #releaseIfUnshared}; one that a recorded graph saved ({@link #pin}) goes back when the
 * graph lets go of it after backward ({@link #unpin}).
 *
 * <p>One pool per JVM, shared by all threads and by both kernel sets.
 */
public final class Memory {
    /**
     * The share of running time that collections the pool asks for may take, about: 5%. Lower
     * means fewer collections and more memory held between them; higher the reverse.
     */
    public static final double COLLECTION_SHARE = 0.05;

    /**
     * The share of running time collections may take while what they find is mostly graphs dropped
     * without a backward pass (forwards with grad mode on, an evaluation without
     * {@code GradMode.disabled()}): a third. Such a graph holds every activation its backward would
     * need, and PyTorch frees it as soon as the output goes; at {@link #COLLECTION_SHARE} the pool
     * held two or three of them plus their free blocks. Higher follows such graphs more closely and
     * costs those programs more time; lower the reverse (figures: docs/PERFORMANCE.md, "Kept graphs
     * share what they describe").
     */
    public static final double DROPPED_GRAPH_COLLECTION_SHARE = 1.0 / 3;

    /**
     * The most headroom as a multiple of the working set (what is still lent right after a
     * collection, or what the largest recent graph held for its backward pass): 2, so the pool holds
     * at most about three times its reachable memory. Without it the time share alone lets a loop
     * that got faster hold more: ResNet-20 at batch 128 peaked at 0.9 GB instead of 0.65-0.75 GB
     * (docs/PERFORMANCE.md). Higher holds more memory and collects less often.
     */
    public static final double MAX_HEADROOM_PER_LENT = 2.0;

    /**
     * Headroom always allowed, whatever is lent: 128 MB. A loop with a small working set that makes
     * garbage fast (forwards with grad mode on and no backward) would otherwise collect every few
     * steps; at this size the memory held is small in absolute terms.
     */
    public static final long BOUNDED_HEADROOM_FLOOR = 128L << 20;

    /** The least headroom above lent memory before the pool asks for a collection: 32 MB. */
    public static final long MIN_HEADROOM = 32L << 20;

    /** The most headroom: a quarter of the machine's memory (JavaCPP's estimate), at least 1 GB. */
    static final long MAX_HEADROOM = Math.max(1L << 30, totalPhysicalBytes() / 4);

    private static final Pool POOL = new Pool(MIN_HEADROOM, MAX_HEADROOM);

    /** Run before each collection: drop Java arrays kept for reuse that sat idle (see {@link #beforeEachCollection}). */
    private static final List<Runnable> DROP_IDLE = new CopyOnWriteArrayList<>(List.of(IntArrays::dropIdle));

    private Memory() {
    }

    /**
     * A c-order array of the given type and shape whose contents are undefined, for kernels that
     * write every element. Float32 and float64 arrays come from the pool; other types and empty
     * shapes are plain ND4J arrays.
     */
    public static INDArray allocate(DataType type, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n == 0 || (type != DataType.FLOAT && type != DataType.DOUBLE)) {
            return Nd4j.create(type, shape);
        }
        DataBuffer buffer = POOL.lease(type, n);
        return ShapeInfos.array(buffer, type, shape);
    }

    /**
     * Gives {@code array}'s memory back now instead of when it becomes unreachable. Only for memory
     * the caller alone refers to (the engine's consumed gradients, a kernel's scratch): any other
     * array over the same memory would see later arrays' values. Does nothing for memory that is
     * not the pool's or was given back already.
     */
    public static void release(INDArray array) {
        Lease lease = leaseOf(array);
        if (lease != null) {
            POOL.giveBack(lease);
        }
    }

    /**
     * Marks {@code array}'s memory as held by a recorded Function for its backward, so
     * {@link #releaseIfUnshared} does not give it back while the Function may still read it. Each
     * pin is undone by one {@link #unpin} when the Function is freed after its backward. Memory
     * that is not the pool's is ignored.
     */
    public static void pin(INDArray array) {
        Lease lease = leaseOf(array);
        if (lease != null) {
            POOL.pin(lease);
        }
    }

    /**
     * Undoes one {@link #pin}. When no pin is left and {@link #releaseIfUnshared} had found the
     * memory unreachable but for the graph, it goes back to the pool now. Returns the memory's
     * bytes when that was its last pin, else 0.
     */
    public static long unpin(INDArray array) {
        Lease lease = leaseOf(array);
        return lease == null ? 0 : POOL.unpin(lease);
    }

    /**
     * Tells the pool how much memory a backward pass let go of ({@link #unpin}'s returns, summed):
     * what its graph held, all reachable at the pass's start. The pool sizes its headroom by the
     * largest such working set, not only by what is lent after a collection.
     */
    public static void graphReleased(long bytes) {
        if (bytes > 0) {
            POOL.graphReleased(bytes);
        }
    }

    /**
     * Gives {@code array}'s memory back now if the caller's knowledge allows it and the pool sees no
     * other holder: {@code array} must be an intermediate result the caller alone could reach (a
     * {@code Sequential}'s output of one built-in layer, consumed by the next). Only a whole pooled
     * block that {@code next} (what was made from it) does not share; when a recorded graph has
     * pinned it, it goes back instead when the graph lets go of it (after backward). Returns whether
     * it was released now.
     */
    public static boolean releaseIfUnshared(INDArray array, INDArray next) {
        if (array == null || array.isEmpty() || !(array.data() instanceof Pooled p)) {
            return false; // a view or not the pool's: something else may own the memory
        }
        if (array.offset() != 0 || array.length() != array.data().length() || (next != null && root(next) == root(array))) {
            return false;
        }
        return POOL.releaseOrOrphan(p.lease());
    }

    /**
     * Whether {@code array} is a c-order array over the whole of a pooled block (not a view of part
     * of one, nor strided): then writing all of its elements touches no other array's values.
     */
    public static boolean isWholeBlock(INDArray array) {
        return array != null && !array.isEmpty() && array.data() instanceof Pooled && isDense(array);
    }

    /**
     * Whether {@code a} is row-major and contiguous and owns its whole buffer from the start, so that
     * its buffer holds exactly its values in order. Dimensions of size 1 may have any stride (ND4J's
     * own {@code Shape.hasDefaultStridesForShape} says false for {@code [64, 1, 28, 28]}, which made
     * every such array a copy).
     */
    public static boolean isDense(INDArray a) {
        if (a.offset() != 0 || a.data().length() != a.length()) {
            return false;
        }
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * A number that grows with every array the pool lends: {@link #lentSince} tells whether an
     * array's memory was lent after a point in time taken with this.
     */
    public static long mark() {
        return POOL.serial();
    }

    /** Whether {@code array} is pooled memory lent after {@code mark} ({@link #mark()}) and not yet given back. */
    public static boolean lentSince(INDArray array, long mark) {
        Lease lease = leaseOf(array);
        return lease != null && lease.serial > mark && !lease.isReturned();
    }

    /**
     * The buffer identity of {@code array}'s memory: the same object for an array and all its views,
     * so two arrays share memory when their roots are the same.
     */
    public static DataBuffer root(INDArray array) {
        if (array == null || array.isEmpty()) {
            return null;
        }
        DataBuffer b = array.data();
        while (true) {
            DataBuffer up = b.underlyingDataBuffer();
            if (up == null || up == b) {
                DataBuffer original = b.originalDataBuffer();
                return original == null || original == b ? b : original;
            }
            b = up;
        }
    }

    private static long totalPhysicalBytes() {
        try {
            return org.bytedeco.javacpp.Pointer.totalPhysicalBytes();
        } catch (Throwable t) { // no native library for this platform: no estimate
            return 0;
        }
    }

    private static Lease leaseOf(INDArray array) {
        return root(array) instanceof Pooled p ? p.lease() : null;
    }

    /** What the pool holds now. */
    public static Stats stats() {
        return POOL.stats();
    }

    /**
     * Asks the JVM for a garbage collection now and takes back the memory of every array it found
     * unreachable, as the pool does by itself when it would otherwise grow; free blocks no lease
     * needed through this interval and the one before are freed. For programs that want memory back at a point of their choosing
     * (after training, say); never needed for correctness.
     */
    public static void collect() {
        POOL.collectNow();
    }

    /**
     * Registers {@code dropIdle} to run before each collection the pool asks for (and
     * {@link #collect()}): it should let go of Java arrays a kernel keeps for reuse (per-thread
     * scratch) that were not needed at their size since the previous collection, so that the
     * collection frees them and the Java heap follows the working set too. One evaluation at batch
     * 1,000 would otherwise leave a thread's scratch sized for it for the rest of the program. For
     * the library's kernels; must be quick, thread-safe and take no lock the pool's callers hold.
     */
    public static void beforeEachCollection(Runnable dropIdle) {
        DROP_IDLE.add(dropIdle);
    }

    static void dropIdleArrays() {
        for (Runnable r : DROP_IDLE) {
            r.run();
        }
    }

    /** Frees every free block now (lent memory is untouched), e.g. before a long phase with other sizes. */
    public static void trim() {
        POOL.trim();
    }

    /**
     * Counters of the pool.
     *
     * @param lentBytes memory in arrays not yet known to be unreachable
     * @param freeBytes memory waiting in free lists for an array of its size
     * @param limitBytes lent plus free memory above which the pool asks for a collection before growing
     * @param headroomBytes the limit's current margin above lent memory (it adapts)
     * @param graphBytes the most memory one graph held for its backward pass over the last two
     *        collection intervals (the working set the headroom is sized by, with what is lent)
     * @param collections collections the pool has asked for so far
     * @param collectionMillis time spent in them, taking back memory included
     * @param allocatedBytes memory the pool has taken from the system so far, all blocks counted,
     *        freed ones too: far above the peak of lent plus free, the pool is freeing and
     *        allocating again (fresh pages cost their first write)
     */
    public record Stats(long lentBytes, long freeBytes, long limitBytes, long headroomBytes, long graphBytes, long collections, long collectionMillis, long allocatedBytes) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "Memory(lent %.1f MB, free %.1f MB, limit %.1f MB (headroom %.1f MB), largest graph %.1f MB, %d collections in %d ms, %.1f MB allocated in all)",
                    lentBytes / 1e6, freeBytes / 1e6, limitBytes / 1e6, headroomBytes / 1e6, graphBytes / 1e6, collections, collectionMillis, allocatedBytes / 1e6);
        }
    }
}
