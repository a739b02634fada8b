package dev.adjoint.kernels.cpu;

import dev.adjoint.kernels.ConvParams;
import dev.adjoint.memory.Memory;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The forward convolution for float32 layers with few channels (LeNet's), one sample at a time in
 * plain Java loops, the batch split between threads.
 *
 * <p>Why, next to {@link SampleKernels} (per-sample im2col + BLAS): when OpenBLAS runs its SSE-only
 * kernels on a CPU with wider vectors ({@link OpenBlasCore#javaLoopsAreFaster()}: OpenBLAS kept a
 * fallback choice), these loops, which the JIT compiles to the CPU's full vector width and which
 * keep four output channels per pass over a column row, are faster for narrow layers than the thin
 * gemm ({@code [6 x 25] x [25 x 784]} for LeNet's first). With OpenBLAS's AVX2 or AVX-512 kernels
 * the gemm is faster (figures in docs/PERFORMANCE.md). The index maps are those of {@link Columns};
 * tests check every path agrees with the batched one.
 */
final class DirectKernels {
    /**
     * Weight-matrix size ({@code O x C*kh*kw}) up to which these loops are used. Trade-off: below it a gemm
     * is too thin for BLAS to pay off; above it BLAS's blocking wins. Chosen from bench --only conv (docs/PERFORMANCE.md).
     */
    static final long MAX_WEIGHTS = 8192;

    /** Column-row length a group of samples should reach (see conv2d): longer rows vectorize better, but need larger work rows. */
    static final int GROUP_PIXELS = 512;

    /** For the tests: take this path whenever the shapes allow, whatever OpenBLAS runs. */
    static volatile boolean FORCE;

    private DirectKernels() {
    }

    /** Whether a convolution of x with a weight of {@code weights} elements should take this path. */
    static boolean suits(INDArray x, long weights, ConvParams p) {
        return x.dataType() == DataType.FLOAT && p.groups() == 1 && weights <= MAX_WEIGHTS && (FORCE || OpenBlasCore.javaLoopsAreFaster());
    }


    /** As {@link BatchedConv#conv2d}: y {@code [N, O, oh, ow]} = conv(x, w) + b. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int wd = (int) x.size(3);
        int o = (int) w.size(0);
        int k = (int) (w.length() / o);
        int pix = (int) (oh * ow);
        int chw = c * h * wd;
        int[] map = Columns.map(c, h, wd, w.size(2), w.size(3), oh, ow, p);
        Columns.Runs runs = Columns.runsIfWorthIt(map, k, pix);
        float[] xs = Host.floatsInto(x, Host.floatScratch(Host.Work.DIRECT_X, n * chw));
        float[] ws = Host.floatsScratch(Host.Work.DIRECT_W, w);
        float[] bs = b == null ? null : Host.floatsScratch(Host.Work.DIRECT_B, b);
        INDArray y = Memory.allocate(DataType.FLOAT, n, o, oh, ow);
        // Samples go through together in groups whose column rows are at least GROUP_PIXELS long:
        // the loops below pay a fixed cost per row, so short rows (LeNet's second layer has 100
        // pixels) are grouped until a row is long enough for that cost not to matter.
        int group = Math.max(1, GROUP_PIXELS / pix);
        int len = group * pix;
        Parallel.forEach(n, group * SampleKernels.samplesPerChunk(n), (chunk, from, to) -> {
            float[][] col = rows(Matrix.COLUMNS, k, len);
            float[][] acc = rows(Matrix.SUMS, o, len);
            FloatBuffer yv = Host.floatView(y);
            if (runs != null) {
                for (float[] row : col) {
                    Arrays.fill(row, 0f); // the padding slots, once for all samples
                }
            }
            for (int s = from; s < to; s += group) {
                int g = Math.min(group, to - s);
                int used = g * pix;
                for (int r = 0; r < k; r++) {
                    for (int j = 0; j < g; j++) {
                        Columns.gatherRow(xs, (s + j) * chw, map, runs, r, col[r], j * pix, pix, true);
                    }
                }
                for (int oc = 0; oc < o; oc++) {
                    Arrays.fill(acc[oc], 0, used, bs == null ? 0f : bs[oc]);
                }
                // acc[oc] += w[oc, r] * col[r]: four output channels per pass over a column row,
                // then the last one to three together (a pass per channel ran at a third of the speed)
                int oc = 0;
                for (; oc + 4 <= o; oc += 4) {
                    for (int r = 0; r < k; r++) {
                        axpy4(ws[oc * k + r], ws[(oc + 1) * k + r], ws[(oc + 2) * k + r], ws[(oc + 3) * k + r], col[r],
                                acc[oc], acc[oc + 1], acc[oc + 2], acc[oc + 3], used);
                    }
                }
                if (o - oc == 3) {
                    for (int r = 0; r < k; r++) {
                        axpy3(ws[oc * k + r], ws[(oc + 1) * k + r], ws[(oc + 2) * k + r], col[r], acc[oc], acc[oc + 1], acc[oc + 2], used);
                    }
                } else if (o - oc == 2) {
                    for (int r = 0; r < k; r++) {
                        axpy2(ws[oc * k + r], ws[(oc + 1) * k + r], col[r], acc[oc], acc[oc + 1], used);
                    }
                } else if (o - oc == 1) {
                    for (int r = 0; r < k; r++) {
                        axpy(ws[oc * k + r], col[r], acc[oc], used);
                    }
                }
                for (int j = 0; j < g; j++) {
                    for (oc = 0; oc < o; oc++) {
                        yv.put(((s + j) * o + oc) * pix, acc[oc], j * pix, pix); // straight into the output
                    }
                }
            }
        });
        return y;
    }

    // The two loops below are where the arithmetic happens. Both index every array from 0 with the
    // same i: with offsets into one array the JIT cannot rule out overlap and stays scalar
    // (several times slower), which is why the kernels keep rows as separate arrays.

    /** {@code y[i] += a * x[i]}. */
    private static void axpy(float a, float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] += a * x[i];
        }
    }

    /** Two axpys sharing one pass over x. */
    private static void axpy2(float a0, float a1, float[] x, float[] y0, float[] y1, int len) {
        for (int i = 0; i < len; i++) {
            float v = x[i];
            y0[i] += a0 * v;
            y1[i] += a1 * v;
        }
    }

    /** Three axpys sharing one pass over x. */
    private static void axpy3(float a0, float a1, float a2, float[] x, float[] y0, float[] y1, float[] y2, int len) {
        for (int i = 0; i < len; i++) {
            float v = x[i];
            y0[i] += a0 * v;
            y1[i] += a1 * v;
            y2[i] += a2 * v;
        }
    }

    /** Four axpys sharing one pass over x. */
    private static void axpy4(float a0, float a1, float a2, float a3, float[] x, float[] y0, float[] y1, float[] y2, float[] y3, int len) {
        for (int i = 0; i < len; i++) {
            float v = x[i];
            y0[i] += a0 * v;
            y1[i] += a1 * v;
            y2[i] += a2 * v;
            y3[i] += a3 * v;
        }
    }

    /** The two work matrices of the forward loop: the column rows and the output sums. */
    private enum Matrix { COLUMNS, SUMS }

    private record RowsKey(Matrix purpose, int rows, int cols) {
    }

    private static final ThreadLocal<java.util.Map<RowsKey, float[][]>> ROWS = ThreadLocal.withInitial(java.util.HashMap::new);

    /**
     * A per-thread work matrix of {@code rows x cols}, as separate row arrays (contents undefined).
     * Keyed by size too: LeNet's two layers alternate, and one matrix per purpose would be
     * reallocated on every call.
     */
    private static float[][] rows(Matrix purpose, int rows, int cols) {
        return ROWS.get().computeIfAbsent(new RowsKey(purpose, rows, cols), key -> new float[rows][cols]);
    }
}
