package dev.adjoint.kernels.cpu;

import dev.adjoint.memory.Memory;
import java.lang.ref.WeakReference;
import java.nio.ByteOrder;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves array contents between ND4J's off-heap buffers and Java arrays with bulk NIO copies,
 * for the kernels written as plain Java loops (pooling, im2col). ND4J's element-wise accessors
 * and {@code Nd4j.create(double[])} are several times slower for this (docs/PERFORMANCE.md).
 */
public final class Host {
    /**
     * Up to this many elements, small float32 ops (a bias row, ReLU after a linear layer) run as Java
     * loops: an ND4J call costs tens of microseconds and leaves native garbage until the next
     * collection, more than the arithmetic of a layer-sized array. Larger arrays go to ND4J's
     * vectorised loops.
     */
    public static final int SMALL = 1 << 16;

    /**
     * What a kernel's work array is for. Each kernel names its own, so the arrays one kernel holds at
     * once never coincide, and a thread keeps one float and one double array per purpose.
     */
    public enum Work {
        ARRAY_NARROW,
        BINARY_LARGE_A,
        BINARY_LARGE_B,
        BROADCAST_A,
        BROADCAST_B,
        BROADCAST_OUT,
        COL2IM_DST,
        COL2IM_SRC,
        DEPTHWISE_IN,
        DEPTHWISE_OUT,
        DIRECT_B,
        DIRECT_W,
        DIRECT_X,
        EXPAND_A,
        EXPAND_OUT,
        GATHER_DST,
        GATHER_SRC,
        IM2COL_ROW,
        IM2COL_SRC,
        KERNEL_IN,
        KERNEL_OUT,
        LOG_SOFTMAX_BACKWARD_GY,
        LOG_SOFTMAX_BACKWARD_Y,
        LOG_SOFTMAX_X,
        MAXPOOL_DST,
        MAXPOOL_SRC,
        NORM_ACC,
        NORM_ACC2,
        NORM_GY,
        NORM_IN,
        NORM_X,
        RELU_BACKWARD_GY,
        RELU_BACKWARD_Y,
        RELU_LARGE_X,
        RELU_X,
        SCATTER_DST,
        SCATTER_SRC,
        SHIFT_WIDE,
        SUM_ALL,
        SUM_CHUNKS_ACC,
        SUM_CHUNKS_PART,
        SUM_CHUNKS_TOTAL,
        SUM_SRC,
        SUM_TO_ACC,
        SUM_TO_SRC,
        SWAP_DST,
        SWAP_SRC
    }

    /**
     * One thread's work arrays by purpose (indexed by {@link Work#ordinal()}): large temporaries the
     * kernels reuse instead of allocating, and the most each purpose asked for since the pool's last
     * collection.
     */
    private static final class Scratch {
        final float[][] floats = new float[Work.values().length][];
        final double[][] doubles = new double[Work.values().length][];
        final int[] floatsUsed = new int[Work.values().length];
        final int[] doublesUsed = new int[Work.values().length];

        /**
         * Drops each array that nothing needed at half its length or more since the last call, and
         * starts counting again. Runs on the pool's thread while the owner may be computing: the
         * owner keeps the array it holds, and only a later call sees the slot empty and allocates.
         */
        void dropIdle() {
            for (int i = 0; i < floats.length; i++) {
                float[] f = floats[i];
                if (f != null && 2L * floatsUsed[i] < f.length) {
                    floats[i] = null;
                }
                floatsUsed[i] = 0;
                double[] d = doubles[i];
                if (d != null && 2L * doublesUsed[i] < d.length) {
                    doubles[i] = null;
                }
                doublesUsed[i] = 0;
            }
        }
    }

    /** Every thread's scratch, weakly: a thread that ends takes its arrays with it. */
    private static final Queue<WeakReference<Scratch>> ALL_SCRATCH = new ConcurrentLinkedQueue<>();

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> {
        Scratch s = new Scratch();
        ALL_SCRATCH.add(new WeakReference<>(s));
        return s;
    });

    static {
        // Scratch sized for a batch seen once (an evaluation at batch 1,000) is let go of before the
        // pool's next collection: the Java heap follows the working set, as the pool does.
        Memory.beforeEachCollection(() -> ALL_SCRATCH.removeIf(ref -> {
            Scratch s = ref.get();
            if (s != null) {
                s.dropIdle();
            }
            return s == null;
        }));
    }

    private Host() {
    }

    /**
     * A work array of at least {@code n} floats for {@code purpose}, reused by later calls on this
     * thread (contents undefined). Kernels use these for temporaries that never leave the call, so
     * a training loop stops allocating megabytes per op (docs/PERFORMANCE.md, memory). An array
     * not needed at half its size or more between two of the pool's collections is dropped.
     */
    public static float[] floatScratch(Work purpose, int n) {
        Scratch mine = SCRATCH.get();
        int i = purpose.ordinal();
        mine.floatsUsed[i] = Math.max(mine.floatsUsed[i], n);
        float[] f = mine.floats[i];
        if (f == null || f.length < n) {
            f = new float[n];
            mine.floats[i] = f;
        }
        return f;
    }

    /** As {@link #floatScratch}, for doubles. */
    public static double[] doubleScratch(Work purpose, int n) {
        Scratch mine = SCRATCH.get();
        int i = purpose.ordinal();
        mine.doublesUsed[i] = Math.max(mine.doublesUsed[i], n);
        double[] d = mine.doubles[i];
        if (d == null || d.length < n) {
            d = new double[n];
            mine.doubles[i] = d;
        }
        return d;
    }

    /** Reads all values of a float32 array into {@code out} (at least as long), returning it. */
    public static float[] floatsInto(INDArray a, float[] out) {
        INDArray d = dense(a);
        d.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().get(out, 0, (int) d.length());
        keepUntilHere(d);
        return out;
    }

    /** Reads all values of a float64 array into {@code out} (at least as long), returning it. */
    public static double[] doublesInto(INDArray a, double[] out) {
        INDArray d = dense(a);
        d.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().get(out, 0, (int) d.length());
        keepUntilHere(d);
        return out;
    }

    /**
     * A new array of the given type and shape holding the first {@code prod(shape)} values (from the
     * memory pool).
     */
    public static INDArray arrayFrom(float[] values, long[] shape) {
        INDArray out = Memory.allocate(DataType.FLOAT, shape);
        out.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(values, 0, (int) out.length());
        return out;
    }

    /** As {@link #arrayFrom(float[], long[])}, for doubles. */
    public static INDArray arrayFrom(double[] values, long[] shape) {
        INDArray out = Memory.allocate(DataType.DOUBLE, shape);
        out.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().put(values, 0, (int) out.length());
        return out;
    }

    /** Sets every element of {@code a} to {@code value}: a Java loop for dense float32, ND4J otherwise. */
    public static void fill(INDArray a, double value) {
        java.nio.FloatBuffer f = floatView(a);
        if (f == null) {
            a.assign(value);
            return;
        }
        float v = (float) value;
        for (int i = 0, n = f.limit(); i < n; i++) {
            f.put(i, v);
        }
    }

    /**
     * A float view of a float32 array's memory for reading and writing in place, or null when the
     * array is not plain (a strided view, an offset, another dtype).
     */
    public static java.nio.FloatBuffer floatView(INDArray a) {
        boolean plain = a.dataType() == DataType.FLOAT && isDense(a);
        return plain ? a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer() : null;
    }

    /** Whether the array's buffer holds exactly its values in order ({@link Memory#isDense}). */
    public static boolean isDense(INDArray a) {
        return Memory.isDense(a);
    }

    /** A contiguous row-major array owning its whole buffer (a copy when the array is a view). */
    public static INDArray dense(INDArray a) {
        return isDense(a) ? a : a.dup('c');
    }

    /**
     * Keeps the arrays reachable up to this point. A kernel that works through raw pointers or NIO
     * views of an array (which do not refer to it) calls this after its loops, so the array's memory
     * cannot be freed or reused by another array while they run.
     */
    public static void keepUntilHere(Object... arrays) {
        java.lang.ref.Reference.reachabilityFence(arrays);
    }

    /** All values, row-major, as doubles. */
    public static double[] doubles(INDArray a) {
        INDArray d = dense(a);
        double[] out = new double[(int) d.length()];
        if (d.dataType() == DataType.DOUBLE) {
            d.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().get(out);
            keepUntilHere(d);
        } else {
            float[] f = floats(d);
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    /** All values of a float32 array, row-major. */
    public static float[] floats(INDArray a) {
        INDArray d = dense(a);
        if (d.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("Host.floats: expected a float32 array, got " + d.dataType());
        }
        float[] out = new float[(int) d.length()];
        d.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
        keepUntilHere(d);
        return out;
    }

    /**
     * A new array of the given type and shape holding the first {@code prod(shape)} values (rounded
     * to float for float32); values may be a longer scratch array.
     */
    public static INDArray array(double[] values, long[] shape, DataType type) {
        INDArray out = Memory.allocate(type, shape);
        int n = (int) out.length();
        if (type == DataType.DOUBLE) {
            out.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().put(values, 0, n);
        } else {
            float[] f = floatScratch(Work.ARRAY_NARROW, n);
            for (int i = 0; i < n; i++) {
                f[i] = (float) values[i];
            }
            out.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(f, 0, n);
        }
        return out;
    }

    /**
     * All values of a float32 array, in this thread's scratch array for {@code purpose} (longer than
     * needed, overwritten by the next call with that purpose): a Java-side copy that leaves no garbage.
     */
    public static float[] floatsScratch(Work purpose, INDArray a) {
        return floatsInto(a, floatScratch(purpose, (int) a.length()));
    }

    /**
     * All values of a float32 or float64 array as doubles, in this thread's scratch array for
     * {@code purpose} (longer than needed, overwritten by the next call with that purpose): for
     * small per-step Java passes that should not leave garbage behind.
     */
    public static double[] doublesScratch(Work purpose, INDArray a) {
        int n = (int) a.length();
        double[] out = doubleScratch(purpose, n);
        if (a.dataType() == DataType.DOUBLE) {
            return doublesInto(a, out);
        }
        float[] f = floatsScratch(purpose, a); // the float and double arrays of a purpose are separate
        for (int i = 0; i < n; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /**
     * Swaps the two leading axes: {@code [A, B, rest...] -> [B, A, rest...]}, as block copies of
     * the contiguous {@code rest} parts, adding {@code bias[a]} to every element that came from
     * index a of the first input axis when a bias (length A) is given. The conv kernels use it to move between {@code [N, C, H*W]} and
     * {@code [C, N*H*W]}.
     */
    public static INDArray swapLeadingAxes(INDArray a, long[] outShape, INDArray bias) {
        int dimA = (int) a.size(0);
        int dimB = (int) a.size(1);
        int n = (int) a.length();
        int block = n / (dimA * dimB);
        boolean f64 = a.dataType() == DataType.DOUBLE;
        Object src = f64 ? doublesInto(a, doubleScratch(Work.SWAP_SRC, n)) : floatsInto(a, floatScratch(Work.SWAP_SRC, n));
        Object dst = f64 ? doubleScratch(Work.SWAP_DST, n) : floatScratch(Work.SWAP_DST, n);
        for (int i = 0; i < dimA; i++) {
            for (int j = 0; j < dimB; j++) {
                System.arraycopy(src, (i * dimB + j) * block, dst, (j * dimA + i) * block, block);
            }
        }
        if (bias != null) {
            // every block that came from index i of the first axis gets bias[i]
            double[] add = doubles(bias);
            for (int j = 0; j < dimB; j++) {
                for (int i = 0; i < dimA; i++) {
                    int to = (j * dimA + i) * block;
                    if (f64) {
                        double[] d = (double[]) dst;
                        for (int q = 0; q < block; q++) {
                            d[to + q] += add[i];
                        }
                    } else {
                        float[] d = (float[]) dst;
                        float b = (float) add[i];
                        for (int q = 0; q < block; q++) {
                            d[to + q] += b;
                        }
                    }
                }
            }
        }
        return f64 ? arrayFrom((double[]) dst, outShape) : arrayFrom((float[]) dst, outShape);
    }

}
