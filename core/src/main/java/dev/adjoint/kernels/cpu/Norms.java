package dev.adjoint.kernels.cpu;

import dev.adjoint.memory.Memory;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-channel normalization of dense float32 {@code [N, C, S...]} arrays as Java loops over rows
 * (one {@code (n, c)} plane of S values each): statistics and gradient sums per channel in float64
 * (over elementwise float32 sums of at most {@link #PASSES_PER_FLUSH} values each),
 * split over channels between threads; the elementwise passes are one multiply-add per value, split
 * over rows. Each method returns null when its case does not apply (another dtype, a strided view,
 * rows shorter than {@link #MIN_ROW}), and {@link CpuKernels} then asks the reference kernels.
 */
final class Norms {
    /**
     * The shortest row worth a loop of its own: below it (BatchNorm1d's {@code [N, C]}, one value
     * per row) the per-row bookkeeping costs more than ND4J's whole-array ops.
     */
    static final int MIN_ROW = 8;

    /**
     * Statistics and gradient sums add a channel's rows elementwise into float32 accumulators (the
     * loops vectorize, where a float64 sum of each value does not), several short rows side by side
     * so each pass runs over about this many values: 8x8 planes alone made loops too short to gain.
     */
    static final int SPAN = 1024;

    /**
     * Passes added into the float32 accumulators before they go into the channel's float64 sum: each
     * accumulator sums at most this many values in float32 (a relative error of at most ~64 ulps,
     * far less on average) before float64 takes over.
     */
    static final int PASSES_PER_FLUSH = 64;

    /** Values per chunk of an elementwise pass: enough work to be worth handing to another thread. */
    static final int VALUES_PER_CHUNK = 1 << 15;

    private Norms() {
    }

    /** Sizes of {@code [N, C, S...]}: {n, c, s}, or null when a fast path does not apply. */
    private static int[] sizes(INDArray x) {
        if (x.rank() < 3 || x.length() > Integer.MAX_VALUE) {
            return null;
        }
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int s = (int) (x.length() / ((long) n * c));
        return s < MIN_ROW ? null : new int[] {n, c, s};
    }

    /** {mean, invStd, var} per channel: the mean first, then the squares about it (no cancellation); float64 sums. */
    static INDArray[] statistics(INDArray x, double eps) {
        int[] d = sizes(x);
        FloatBuffer xv = Host.floatView(x);
        if (d == null || xv == null) {
            return null;
        }
        int n = d[0];
        int c = d[1];
        int s = d[2];
        float[] mean = new float[c];
        float[] invStd = new float[c];
        float[] var = new float[c];
        int per = rowsPerPass(n, s);
        Parallel.forEach(c, 1, (chunk, lo, hi) -> {
            float[] rows = Host.floatScratch(Host.Work.NORM_X, per * s);
            float[] acc = Host.floatScratch(Host.Work.NORM_ACC, per * s);
            Arrays.fill(acc, 0, per * s, 0f); // sumAndClear leaves it zero for every later sum
            for (int ch = lo; ch < hi; ch++) {
                double sum = 0;
                for (int i = 0, passes = 0; i < n; i += per) {
                    int len = copyRows(xv, rows, i, Math.min(per, n - i), c, ch, s);
                    for (int j = 0; j < len; j++) {
                        acc[j] += rows[j];
                    }
                    if (flushAfter(++passes, i + per >= n)) {
                        sum += sumAndClear(acc, per * s);
                    }
                }
                double m = sum / ((double) n * s);
                float mf = (float) m;
                double squares = 0;
                for (int i = 0, passes = 0; i < n; i += per) { // the channel's rows are still in cache from the first pass
                    int len = copyRows(xv, rows, i, Math.min(per, n - i), c, ch, s);
                    for (int j = 0; j < len; j++) {
                        float dj = rows[j] - mf;
                        acc[j] += dj * dj;
                    }
                    if (flushAfter(++passes, i + per >= n)) {
                        squares += sumAndClear(acc, per * s);
                    }
                }
                double v = squares / ((double) n * s);
                mean[ch] = mf;
                var[ch] = (float) v;
                invStd[ch] = (float) (1 / Math.sqrt(v + eps));
            }
        });
        long[] shape = {c};
        return new INDArray[] {Host.arrayFrom(mean, shape), Host.arrayFrom(invStd, shape), Host.arrayFrom(var, shape)};
    }

    /** {@code (x - mean) invStd w + b} as {@code x a + b'} per channel. */
    static INDArray normalize(INDArray x, INDArray mean, INDArray invStd, INDArray w, INDArray b) {
        int[] d = sizes(x);
        FloatBuffer xv = Host.floatView(x);
        if (d == null || xv == null) {
            return null;
        }
        int c = d[1];
        float[] m = Host.floats(mean);
        float[] is = Host.floats(invStd);
        float[] wv = w == null ? null : Host.floats(w);
        float[] bv = b == null ? null : Host.floats(b);
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = wv == null ? is[ch] : is[ch] * wv[ch];
            shift[ch] = (bv == null ? 0 : bv[ch]) - m[ch] * scale[ch];
        }
        INDArray out = Memory.allocate(x.dataType(), x.shape());
        FloatBuffer ov = Host.floatView(out);
        rowsAffine(xv, null, ov, d, scale, null, shift);
        return out;
    }

    /** Per channel {@code {sum(gy), sum(gy (x - mean) invStd)}}: the bias and weight gradients of one pass. */
    static INDArray[] gradientSums(INDArray gy, INDArray x, INDArray mean, INDArray invStd) {
        double[][] sums = gradientSums(gy, x, mean);
        if (sums == null) {
            return null;
        }
        float[] is = Host.floats(invStd);
        float[] sumGy = new float[is.length];
        float[] sumGyXhat = new float[is.length];
        for (int ch = 0; ch < is.length; ch++) {
            sumGy[ch] = (float) sums[0][ch];
            sumGyXhat[ch] = (float) (sums[1][ch] * is[ch]);
        }
        long[] shape = {is.length};
        return new INDArray[] {Host.arrayFrom(sumGy, shape), Host.arrayFrom(sumGyXhat, shape)};
    }

    /**
     * The input gradient. With batch statistics it is {@code gx = a gy + b x + k} per channel:
     * {@code a = w invStd}, {@code b = -a invStd sum(gy (x - mean)) invStd / M},
     * {@code k = -a sum(gy) / M - b mean}; with given statistics {@code gx = a gy}.
     */
    static INDArray inputGrad(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, boolean batchStatistics) {
        if (!batchStatistics) {
            return inputGrad(gy, x, mean, invStd, w, null, null);
        }
        double[][] sums = gradientSums(gy, x, mean);
        if (sums == null) {
            return null;
        }
        // sum(gy xhat) = invStd sum(gy (x - mean))
        float[] is = Host.floats(invStd);
        double[] sumGyXhat = new double[is.length];
        for (int ch = 0; ch < is.length; ch++) {
            sumGyXhat[ch] = sums[1][ch] * is[ch];
        }
        return inputGrad(gy, x, mean, invStd, w, sums[0], sumGyXhat);
    }

    /** {@link #inputGrad} with the batch's statistics and given sums {@code sum(gy)}, {@code sum(gy xhat)}: one pass. */
    static INDArray inputGradFromSums(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, INDArray sumGy, INDArray sumGyXhat) {
        if (sizes(x) == null || x.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT || gy.dataType() != x.dataType()
                || sumGy.dataType() != x.dataType() || sumGyXhat.dataType() != x.dataType()) {
            return null;
        }
        float[] sg = Host.floats(sumGy);
        float[] sgx = Host.floats(sumGyXhat);
        double[] a = new double[sg.length];
        double[] b = new double[sg.length];
        for (int ch = 0; ch < sg.length; ch++) {
            a[ch] = sg[ch];
            b[ch] = sgx[ch];
        }
        return inputGrad(gy, x, mean, invStd, w, a, b);
    }

    /**
     * {@code gx = a gy + b x + k} per channel: {@code a = w invStd}, {@code b = -a invStd sum(gy xhat) / M},
     * {@code k = -a sum(gy) / M - b mean}; the sums null for given statistics ({@code gx = a gy}).
     */
    private static INDArray inputGrad(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, double[] sumGy, double[] sumGyXhat) {
        int[] d = sizes(x);
        FloatBuffer xv = Host.floatView(x);
        FloatBuffer gv = Host.floatView(gy);
        if (d == null || xv == null || gv == null) {
            return null;
        }
        boolean batchStatistics = sumGy != null;
        int c = d[1];
        float[] m = Host.floats(mean);
        float[] is = Host.floats(invStd);
        float[] wv = w == null ? null : Host.floats(w);
        float[] a = new float[c];
        float[] bx = batchStatistics ? new float[c] : null;
        float[] k = new float[c];
        double count = (double) d[0] * d[2];
        for (int ch = 0; ch < c; ch++) {
            double scale = wv == null ? is[ch] : (double) is[ch] * wv[ch];
            a[ch] = (float) scale;
            if (batchStatistics) {
                double slope = -scale * is[ch] * sumGyXhat[ch] / count;
                bx[ch] = (float) slope;
                k[ch] = (float) (-scale * sumGy[ch] / count - slope * m[ch]);
            }
        }
        INDArray out = Memory.allocate(x.dataType(), x.shape());
        rowsAffine(gv, batchStatistics ? xv : null, Host.floatView(out), d, a, bx, k);
        return out;
    }

    /** Per channel, in float64: {@code {sum(gy), sum(gy (x - mean))}}. */
    private static double[][] gradientSums(INDArray gy, INDArray x, INDArray mean) {
        int[] d = sizes(x);
        FloatBuffer xv = Host.floatView(x);
        FloatBuffer gv = Host.floatView(gy);
        if (d == null || xv == null || gv == null) {
            return null;
        }
        int n = d[0];
        int c = d[1];
        int s = d[2];
        float[] m = Host.floats(mean);
        double[] sumGy = new double[c];
        double[] sumGyCentered = new double[c];
        int per = rowsPerPass(n, s);
        Parallel.forEach(c, 1, (chunk, lo, hi) -> {
            float[] xr = Host.floatScratch(Host.Work.NORM_X, per * s);
            float[] gr = Host.floatScratch(Host.Work.NORM_GY, per * s);
            float[] accG = Host.floatScratch(Host.Work.NORM_ACC, per * s);
            float[] accGx = Host.floatScratch(Host.Work.NORM_ACC2, per * s);
            Arrays.fill(accG, 0, per * s, 0f); // sumAndClear leaves them zero for every later sum
            Arrays.fill(accGx, 0, per * s, 0f);
            for (int ch = lo; ch < hi; ch++) {
                double sg = 0;
                double sgx = 0;
                float mc = m[ch];
                for (int i = 0, passes = 0; i < n; i += per) {
                    copyRows(xv, xr, i, Math.min(per, n - i), c, ch, s);
                    int len = copyRows(gv, gr, i, Math.min(per, n - i), c, ch, s);
                    for (int j = 0; j < len; j++) {
                        accG[j] += gr[j];
                        accGx[j] += gr[j] * (xr[j] - mc);
                    }
                    if (flushAfter(++passes, i + per >= n)) {
                        sg += sumAndClear(accG, per * s);
                        sgx += sumAndClear(accGx, per * s);
                    }
                }
                sumGy[ch] = sg;
                sumGyCentered[ch] = sgx;
            }
        });
        return new double[][] {sumGy, sumGyCentered};
    }

    /** {@code out = in * a[c] + x * b[c] + k[c]} row by row ({@code x}, {@code b} null: no x term). */
    private static void rowsAffine(FloatBuffer in, FloatBuffer x, FloatBuffer out, int[] d, float[] a, float[] b, float[] k) {
        int c = d[1];
        int s = d[2];
        int rows = d[0] * c;
        Parallel.forEach(rows, Math.max(1, VALUES_PER_CHUNK / s), (chunk, lo, hi) -> {
            float[] r = Host.floatScratch(Host.Work.NORM_IN, s);
            float[] xr = x == null ? null : Host.floatScratch(Host.Work.NORM_X, s);
            for (int row = lo; row < hi; row++) {
                int ch = row % c;
                int at = row * s;
                in.get(at, r, 0, s);
                float ai = a[ch];
                float ki = k[ch];
                if (x == null) {
                    for (int j = 0; j < s; j++) {
                        r[j] = r[j] * ai + ki;
                    }
                } else {
                    x.get(at, xr, 0, s);
                    float bi = b[ch];
                    for (int j = 0; j < s; j++) {
                        r[j] = r[j] * ai + xr[j] * bi + ki;
                    }
                }
                out.put(at, r, 0, s);
            }
        });
    }

    /** Whether the float32 accumulators go into the float64 sums after this many passes: every {@link #PASSES_PER_FLUSH}, and after the last. */
    private static boolean flushAfter(int passes, boolean last) {
        return last || passes % PASSES_PER_FLUSH == 0;
    }

    /** Rows of one channel copied side by side for one pass of the elementwise loop: {@link #SPAN} values, or one row if longer. */
    private static int rowsPerPass(int n, int s) {
        return Math.max(1, Math.min(n, SPAN / s));
    }

    /** Copies {@code rows} rows of channel {@code ch}, from sample {@code i} on, side by side into {@code dst}; returns the values copied. */
    private static int copyRows(FloatBuffer v, float[] dst, int i, int rows, int c, int ch, int s) {
        for (int r = 0; r < rows; r++) {
            v.get(((i + r) * c + ch) * s, dst, r * s, s);
        }
        return rows * s;
    }

    /** Sum of {@code v[0..n)} in four float64 lanes (independent chains, so the adds overlap); {@code v} is zeroed. */
    private static double sumAndClear(float[] v, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += v[j];
            s1 += v[j + 1];
            s2 += v[j + 2];
            s3 += v[j + 3];
        }
        for (; j < n; j++) {
            s0 += v[j];
        }
        Arrays.fill(v, 0, n, 0f);
        return (s0 + s1) + (s2 + s3);
    }
}
