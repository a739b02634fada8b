package dev.adjoint.ops.conv;

import dev.adjoint.ops.Host;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The conv family for float32 convolutions with few channels (LeNet's, the autoencoder's), one
 * sample at a time in plain Java loops, half of the batch on each of two cores.
 *
 * <p>Why: for a layer like LeNet's first ({@code 6 x 25} weights), one batched gemm through ND4J
 * reaches ~11 GFLOP/s and the column matrix around it (5 MB written, copied, read, then a layout
 * swap of the output) costs twice the gemm. Per sample, the column matrix fits in the L2 cache, the
 * product lands directly in {@code [N, O, H, W]} order, and no array crosses JNI except the input
 * and the result (docs/PERFORMANCE.md). Wide layers keep the BLAS path in {@link ConvKernels},
 * which {@link #suits} decides. The arithmetic is the same im2col/gemm/col2im, so the index maps
 * of {@link Columns} are reused; a test checks both paths agree.
 */
final class DirectKernels {
    /** Weight-matrix size ({@code O x C*kh*kw}) up to which the per-sample Java path is faster (measured). */
    static final long MAX_WEIGHTS = 8192;

    private DirectKernels() {
    }

    /** Whether a convolution of x with a weight of {@code weights} elements should take this path. */
    static boolean suits(INDArray x, long weights, ConvKernels.Params p) {
        return x.dataType() == DataType.FLOAT && p.groups() == 1 && weights <= MAX_WEIGHTS && enabled;
    }

    /** Off: every float32 convolution takes the BLAS path (tests compare the two; bench measures both). */
    static boolean enabled = true;

    /** As {@link ConvKernels#conv2d}: y {@code [N, O, oh, ow]} = conv(x, w) + b. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvKernels.Params p) {
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
        float[] xs = Host.floatsInto(x, Host.floatScratch("direct.x", n * chw));
        float[] ws = Host.floats(w);
        float[] bs = b == null ? null : Host.floats(b);
        float[] ys = Host.floatScratch("direct.y", n * o * pix);
        onTwoCores(n, (from, to, part) -> {
            float[][] col = rows("col", k, pix);
            float[][] acc = rows("acc", o, pix);
            for (int s = from; s < to; s++) {
                for (int r = 0; r < k; r++) {
                    Columns.gatherRow(xs, s * chw, map, runs, r, col[r], 0, pix);
                }
                for (int oc = 0; oc < o; oc++) {
                    Arrays.fill(acc[oc], 0, pix, bs == null ? 0f : bs[oc]);
                }
                // acc[oc] += w[oc, r] * col[r], four output channels per pass over a column row
                int oc = 0;
                for (; oc + 4 <= o; oc += 4) {
                    for (int r = 0; r < k; r++) {
                        axpy4(ws[oc * k + r], ws[(oc + 1) * k + r], ws[(oc + 2) * k + r], ws[(oc + 3) * k + r], col[r],
                                acc[oc], acc[oc + 1], acc[oc + 2], acc[oc + 3], pix);
                    }
                }
                for (; oc < o; oc++) {
                    for (int r = 0; r < k; r++) {
                        axpy(ws[oc * k + r], col[r], acc[oc], pix);
                    }
                }
                for (oc = 0; oc < o; oc++) {
                    System.arraycopy(acc[oc], 0, ys, (s * o + oc) * pix, pix);
                }
            }
        });
        return Host.arrayFrom(ys, new long[] {n, o, oh, ow});
    }

    /** As {@link ConvKernels#convTranspose2d}: per sample, {@code col = W^T x}, then col2im adds the patches. */
    static INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvKernels.Params p) {
        int n = (int) x.size(0);
        int cin = (int) x.size(1);
        int h = (int) x.size(2);
        int wd = (int) x.size(3);
        int o = (int) w.size(1);
        int k = (int) (w.length() / cin); // O * kh * kw
        int pix = h * wd;
        int outPix = (int) (outH * outW);
        int[] map = Columns.map(o, outH, outW, w.size(2), w.size(3), h, wd, p);
        Columns.Runs runs = Columns.runsIfWorthIt(map, k, pix);
        float[] xs = Host.floatsInto(x, Host.floatScratch("direct.x", n * cin * pix));
        float[] ws = Host.floats(w);
        float[] bs = b == null ? null : Host.floats(b);
        float[] ys = Host.floatScratch("direct.y", n * o * outPix);
        onTwoCores(n, (from, to, part) -> {
            float[][] xr = rows("xrows", cin, pix);
            float[][] col = rows("col", k, pix);
            for (int s = from; s < to; s++) {
                for (int ci = 0; ci < cin; ci++) {
                    System.arraycopy(xs, (s * cin + ci) * pix, xr[ci], 0, pix);
                }
                for (int r = 0; r < k; r++) {
                    Arrays.fill(col[r], 0, pix, 0f);
                }
                // col[r] += w[ci, r] * x[ci], four column rows per pass over an input channel
                for (int ci = 0; ci < cin; ci++) {
                    int r = 0;
                    for (; r + 4 <= k; r += 4) {
                        int at = ci * k + r;
                        axpy4(ws[at], ws[at + 1], ws[at + 2], ws[at + 3], xr[ci], col[r], col[r + 1], col[r + 2], col[r + 3], pix);
                    }
                    for (; r < k; r++) {
                        axpy(ws[ci * k + r], xr[ci], col[r], pix);
                    }
                }
                int y0 = s * o * outPix;
                for (int oc = 0; oc < o; oc++) {
                    Arrays.fill(ys, y0 + oc * outPix, y0 + (oc + 1) * outPix, bs == null ? 0f : bs[oc]);
                }
                for (int r = 0; r < k; r++) {
                    Columns.scatterAddRow(col[r], 0, map, runs, r, ys, y0, pix);
                }
            }
        });
        return Host.arrayFrom(ys, new long[] {n, o, outH, outW});
    }

    /**
     * As {@link ConvKernels#convWeightGrad}: {@code gw[o, r] = sum_q gy[o, q] * col[r, q]}. Two loop
     * orders, chosen by the column height k = C*kh*kw (measured on LeNet's layers): for short
     * columns (k = 25: 2.5 ms vs 4.6 ms) dot products along the pixels; for taller ones (k = 150:
     * 1.9 ms vs 3.6 ms) vector updates along the column, which the JIT vectorizes.
     */
    static INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, ConvKernels.Params p) {
        WeightGradCall call = new WeightGradCall(x, gy, kh, kw, p);
        float[] gw = call.k < 64 ? weightGradByDots(call) : weightGradByRows(call);
        return Host.arrayFrom(gw, new long[] {call.o, call.c, kh, kw});
    }

    /** One weight-gradient call's sizes, index map and inputs as Java arrays, shared by both loop orders. */
    private static final class WeightGradCall {
        final int n;
        final int c;
        final int chw;
        final int o;
        final int pix;
        final int k;
        final int[] map;
        final float[] xs;
        final float[] gys;

        WeightGradCall(INDArray x, INDArray gy, long kh, long kw, ConvKernels.Params p) {
            n = (int) x.size(0);
            c = (int) x.size(1);
            chw = (int) (x.length() / n);
            o = (int) gy.size(1);
            pix = (int) (gy.size(2) * gy.size(3));
            k = (int) (c * kh * kw);
            map = Columns.map(c, x.size(2), x.size(3), kh, kw, gy.size(2), gy.size(3), p);
            xs = Host.floatsInto(x, Host.floatScratch("direct.x", n * chw));
            gys = Host.floatsInto(gy, Host.floatScratch("direct.gy", n * o * pix));
        }
    }

    /** The weight gradient as dot products along the pixels, four output channels per pass over a column row. */
    private static float[] weightGradByDots(WeightGradCall call) {
        int o = call.o;
        int pix = call.pix;
        int k = call.k;
        int chw = call.chw;
        int[] map = call.map;
        float[] xs = call.xs;
        float[] gys = call.gys;
        Columns.Runs runs = Columns.runsIfWorthIt(map, k, pix);
        float[][] partial = new float[2][o * k];
        onTwoCores(call.n, (from, to, part) -> {
            float[][] col = rows("col", k, pix);
            float[][] g = rows("gy", o, pix);
            float[] gw = partial[part];
            for (int s = from; s < to; s++) {
                for (int r = 0; r < k; r++) {
                    Columns.gatherRow(xs, s * chw, map, runs, r, col[r], 0, pix);
                }
                for (int oc = 0; oc < o; oc++) {
                    System.arraycopy(gys, (s * o + oc) * pix, g[oc], 0, pix);
                }
                // Every inner loop keeps four independent sums (dots4): one sum alone waits on each add.
                float[] sums = new float[4];
                int blocked = o - o % 4;
                for (int r = 0; r < k; r++) {
                    for (int oc = 0; oc < blocked; oc += 4) {
                        dots4(col[r], g[oc], g[oc + 1], g[oc + 2], g[oc + 3], pix, sums);
                        for (int j = 0; j < 4; j++) {
                            gw[(oc + j) * k + r] += sums[j];
                        }
                    }
                }
                for (int oc = blocked; oc < o; oc++) {
                    int r = 0;
                    for (; r + 4 <= k; r += 4) {
                        dots4(g[oc], col[r], col[r + 1], col[r + 2], col[r + 3], pix, sums);
                        for (int j = 0; j < 4; j++) {
                            gw[oc * k + r + j] += sums[j];
                        }
                    }
                    for (; r < k; r++) {
                        float[] v0 = col[r];
                        float[] g0 = g[oc];
                        float s0 = 0f;
                        for (int q = 0; q < pix; q++) {
                            s0 += v0[q] * g0[q];
                        }
                        gw[oc * k + r] += s0;
                    }
                }
            }
        });
        for (int i = 0; i < o * k; i++) {
            partial[0][i] += partial[1][i];
        }
        return partial[0];
    }

    /** The weight gradient with the column gathered transposed ({@code [pixel, r]}): {@code gw[o] += gy[o, q] * colT[q]}. */
    private static float[] weightGradByRows(WeightGradCall call) {
        int o = call.o;
        int pix = call.pix;
        int k = call.k;
        int chw = call.chw;
        int[] mapT = Columns.transposed(call.map, k, pix);
        float[] xs = call.xs;
        float[] gys = call.gys;
        float[][][] partial = new float[2][o][k];
        onTwoCores(call.n, (from, to, part) -> {
            float[][] colT = rows("colT", pix, k);
            float[] shifted = rows("shifted", 1, chw + 1)[0];
            float[][] gw = partial[part];
            for (int s = from; s < to; s++) {
                // the sample behind one zero, so that padding (index -1) reads it without a branch:
                // in this order padding comes irregularly and a branch would mispredict often
                System.arraycopy(xs, s * chw, shifted, 1, chw);
                for (int q = 0; q < pix; q++) {
                    float[] row = colT[q];
                    for (int r = 0; r < k; r++) {
                        row[r] = shifted[mapT[q * k + r] + 1];
                    }
                }
                int g0 = s * o * pix;
                for (int q = 0; q < pix; q++) {
                    int oc = 0;
                    for (; oc + 4 <= o; oc += 4) {
                        int at = g0 + oc * pix + q;
                        axpy4(gys[at], gys[at + pix], gys[at + 2 * pix], gys[at + 3 * pix], colT[q], gw[oc], gw[oc + 1], gw[oc + 2], gw[oc + 3], k);
                    }
                    for (; oc < o; oc++) {
                        axpy(gys[g0 + oc * pix + q], colT[q], gw[oc], k);
                    }
                }
            }
        });
        float[] sum = new float[o * k];
        for (int oc = 0; oc < o; oc++) {
            for (int r = 0; r < k; r++) {
                sum[oc * k + r] = partial[0][oc][r] + partial[1][oc][r];
            }
        }
        return sum;
    }

    /** {@code sums[j] = sum_q a[q] * bj[q]} for four vectors b0..b3 in one pass over a. */
    private static void dots4(float[] a, float[] b0, float[] b1, float[] b2, float[] b3, int len, float[] sums) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        for (int q = 0; q < len; q++) {
            float v = a[q];
            s0 += b0[q] * v;
            s1 += b1[q] * v;
            s2 += b2[q] * v;
            s3 += b3[q] * v;
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }

    // The two loops below are where the arithmetic happens. Both index every array from 0 with the
    // same i: with offsets into one array the JIT cannot rule out overlap and stays scalar (3 vs
    // 20-30 GFLOP/s measured), which is why the kernels keep rows as separate arrays.

    /** {@code y[i] += a * x[i]}. */
    private static void axpy(float a, float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] += a * x[i];
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

    private static final ThreadLocal<java.util.Map<String, float[][]>> ROWS = ThreadLocal.withInitial(java.util.HashMap::new);

    /**
     * A per-thread work matrix of {@code rows x cols}, as separate row arrays (contents undefined).
     * Keyed by size too: LeNet's two layers alternate, and one matrix per purpose would be
     * reallocated on every call.
     */
    private static float[][] rows(String purpose, int rows, int cols) {
        String key = purpose + rows + "x" + cols;
        float[][] m = ROWS.get().get(key);
        if (m == null) {
            m = new float[rows][cols];
            ROWS.get().put(key, m);
        }
        return m;
    }

    /** A loop over samples {@code [from, to)}; {@code part} (0 or 1) says which half. */
    @FunctionalInterface
    interface Samples {
        void run(int from, int to, int part);
    }

    /** The second half of the samples on a pool thread, the first half here; rethrows what either throws. */
    static void onTwoCores(int n, Samples body) {
        if (n < 2 || ForkJoinPool.getCommonPoolParallelism() < 1 || Runtime.getRuntime().availableProcessors() < 2) {
            body.run(0, n, 0);
            return;
        }
        int mid = n / 2;
        ForkJoinTask<?> second = ForkJoinPool.commonPool().submit(() -> body.run(mid, n, 1));
        body.run(0, mid, 0);
        second.join();
    }
}
