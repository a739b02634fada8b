package dev.adjoint.kernels.cpu;

import dev.adjoint.memory.Memory;
import dev.adjoint.kernels.BinaryOp;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elementwise ops and reductions as plain Java loops over bulk copies, for the arrays where an ND4J
 * call costs more in dispatch (and in native garbage left until the next collection) than the
 * arithmetic: small float32 arrays ({@link Host#SMALL}), the classifier's rows, bias gradients.
 * Each method returns null when its case does not apply, and {@link CpuKernels} then asks the
 * reference kernels.
 */
final class Loops {
    private Loops() {
    }

    // ---------------------------------------------------------------- broadcast arithmetic

    /** {@code a op b} for small dense float32 operands that each are whole or repeat along leading dims, else null. */
    static INDArray binary(BinaryOp op, INDArray a, INDArray b, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n == 0 || n > Host.SMALL || a.dataType() != DataType.FLOAT || b.dataType() != DataType.FLOAT || !Host.isDense(a)
                || !Host.isDense(b) || !repeats(a.shape(), shape) || !repeats(b.shape(), shape)) {
            return null;
        }
        int na = (int) a.length();
        int nb = (int) b.length();
        if (na != n && nb != n) {
            return null; // both operands repeat (e.g. [1, 3] op [2, 1]): ND4J's general broadcast
        }
        float[] x = Host.floatsInto(a, Host.floatScratch(Host.Work.BROADCAST_A, na));
        float[] y = Host.floatsInto(b, Host.floatScratch(Host.Work.BROADCAST_B, nb));
        float[] r = Host.floatScratch(Host.Work.BROADCAST_OUT, (int) n);
        if (na == n && nb == n) {
            rows(op, x, 0, y, 0, r, 0, (int) n);
        } else if (na == n) {
            for (int o = 0; o < n; o += nb) {
                rows(op, x, o, y, 0, r, o, nb);
            }
        } else {
            for (int o = 0; o < n; o += na) {
                rows(op, x, 0, y, o, r, o, na);
            }
        }
        return Host.arrayFrom(r, shape);
    }

    /**
     * {@code a op b} for large dense float32 operands of the same shape (a residual add, a gradient
     * sum), split over the kernel threads in chunks of {@link Host#SMALL} elements, each copied
     * into per-thread arrays, combined there and copied out (the copies stay in cache); else null.
     */
    static INDArray binaryLarge(BinaryOp op, INDArray a, INDArray b, long[] shape) {
        if (a.dataType() != DataType.FLOAT || b.dataType() != DataType.FLOAT || a.length() != b.length()
                || !Arrays.equals(a.shape(), shape) || !Arrays.equals(b.shape(), shape)) {
            return null;
        }
        FloatBuffer av = Host.floatView(a);
        FloatBuffer bv = Host.floatView(b);
        if (av == null || bv == null) {
            return null;
        }
        INDArray out = Memory.allocate(DataType.FLOAT, shape);
        FloatBuffer ov = Host.floatView(out);
        Parallel.forEach((int) a.length(), Host.SMALL, (chunk, lo, hi) -> {
            int len = hi - lo;
            float[] x = Host.floatScratch(Host.Work.BINARY_LARGE_A, len);
            float[] y = Host.floatScratch(Host.Work.BINARY_LARGE_B, len);
            av.duplicate().get(lo, x, 0, len);
            bv.duplicate().get(lo, y, 0, len);
            rows(op, x, 0, y, 0, x, 0, len);
            ov.duplicate().put(lo, x, 0, len);
        });
        return out;
    }

    /** ReLU for large dense float32 arrays, split over the kernel threads as {@link #binaryLarge}; else null. */
    static INDArray reluLarge(INDArray x) {
        FloatBuffer xv = x.dataType() == DataType.FLOAT ? Host.floatView(x) : null;
        if (xv == null) {
            return null;
        }
        INDArray out = Memory.allocate(DataType.FLOAT, x.shape());
        FloatBuffer ov = Host.floatView(out);
        Parallel.forEach((int) x.length(), Host.SMALL, (chunk, lo, hi) -> {
            int len = hi - lo;
            float[] v = Host.floatScratch(Host.Work.RELU_LARGE_X, len);
            xv.duplicate().get(lo, v, 0, len);
            for (int i = 0; i < len; i++) {
                v[i] = Math.max(v[i], 0f);
            }
            ov.duplicate().put(lo, v, 0, len);
        });
        return out;
    }

    /** {@code out[o + i] = x[xo + i] op y[yo + i]} for i in [0, n); one loop per op so each stays simple. */
    private static void rows(BinaryOp op, float[] x, int xo, float[] y, int yo, float[] out, int o, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) { out[o + i] = x[xo + i] + y[yo + i]; } }
            case SUB -> { for (int i = 0; i < n; i++) { out[o + i] = x[xo + i] - y[yo + i]; } }
            case MUL -> { for (int i = 0; i < n; i++) { out[o + i] = x[xo + i] * y[yo + i]; } }
            case DIV -> { for (int i = 0; i < n; i++) { out[o + i] = x[xo + i] / y[yo + i]; } }
        }
    }

    /**
     * Whether {@code s}, without its leading 1s, equals the trailing dimensions of {@code full}: the
     * operand's values then repeat whole along the leading dimensions of the result.
     */
    private static boolean repeats(long[] s, long[] full) {
        int lead = 0;
        while (lead < s.length && s[lead] == 1) {
            lead++;
        }
        int len = s.length - lead;
        if (len > full.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s[lead + i] != full[full.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- ReLU

    /** {@code max(x, 0)} for small dense float32 arrays, else null. */
    static INDArray relu(INDArray x) {
        if (x.dataType() != DataType.FLOAT || x.length() > Host.SMALL || !Host.isDense(x)) {
            return null;
        }
        int n = (int) x.length();
        float[] v = Host.floatsInto(x, Host.floatScratch(Host.Work.RELU_X, n));
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(v[i], 0f);
        }
        return Host.arrayFrom(v, x.shape());
    }

    /**
     * {@code gy * step(y)} for dense float32, large arrays split between threads, else null. The step
     * is {@code min(max(y * 2^200, 0), 1)}: 1 for every positive float (even the smallest subnormal),
     * 0 for zero and below. C2 vectorizes min and max, where {@code y > 0 ? gy : 0} compiles to a
     * branch that mispredicts on every other element of a conv layer's activations. It differs from
     * {@code y > 0 ? gy : 0} only where a step is already broken: a NaN y gives NaN, and so does an
     * infinite or NaN gy where y is 0 (0 times infinity; the reference's step-times-gy does the same).
     */
    static INDArray reluBackward(INDArray gy, INDArray y) {
        INDArray out = Memory.allocate(y.dataType(), y.shape());
        FloatBuffer gyv = Host.floatView(gy);
        FloatBuffer yv = Host.floatView(y);
        FloatBuffer outv = Host.floatView(out);
        if (gyv == null || yv == null || outv == null) {
            return null;
        }
        int n = (int) y.length();
        Parallel.forEach(n, Host.SMALL, (chunk, lo, hi) -> { // one chunk (inline) up to Host.SMALL elements
            int len = hi - lo;
            float[] g = Host.floatScratch(Host.Work.RELU_BACKWARD_GY, len);
            float[] v = Host.floatScratch(Host.Work.RELU_BACKWARD_Y, len);
            gyv.duplicate().get(lo, g, 0, len);
            yv.duplicate().get(lo, v, 0, len);
            for (int i = 0; i < len; i++) {
                g[i] *= Math.min(Math.max(v[i] * 0x1p100f * 0x1p100f, 0f), 1f);
            }
            outv.duplicate().put(lo, g, 0, len);
        });
        return out;
    }

    // ---------------------------------------------------------------- log-softmax along the last dimension

    /** Log-softmax along the last dimension (the classifier's {@code [N, C]}) as one Java pass per row, in double. */
    static INDArray logSoftmaxRows(INDArray x) {
        int c = (int) x.size(x.rank() - 1);
        int n = (int) (x.length() / c);
        double[] v = Host.doublesScratch(Host.Work.LOG_SOFTMAX_X, x);
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                m = Math.max(m, v[i * c + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(v[i * c + j] - m);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < c; j++) {
                v[i * c + j] = v[i * c + j] - m - logSum;
            }
        }
        return Host.array(v, x.shape(), x.dataType());
    }

    /** Log-softmax's backward along the last dimension, one Java pass per row: {@code gy - e^y * sum(gy)}. */
    static INDArray logSoftmaxBackwardRows(INDArray gyArray, INDArray yArray) {
        int c = (int) yArray.size(yArray.rank() - 1);
        int n = (int) (yArray.length() / c);
        double[] gy = Host.doublesScratch(Host.Work.LOG_SOFTMAX_BACKWARD_GY, gyArray);
        double[] y = Host.doublesScratch(Host.Work.LOG_SOFTMAX_BACKWARD_Y, yArray);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += gy[i * c + j];
            }
            for (int j = 0; j < c; j++) {
                gy[i * c + j] -= Math.exp(y[i * c + j]) * s;
            }
        }
        return Host.array(gy, yArray.shape(), yArray.dataType());
    }

    // ---------------------------------------------------------------- sums

    /**
     * float32 sums whose summed dims are the leading ones (a linear layer's bias gradient: the column
     * sums of {@code [rows, cols]}), the trailing ones (global average pooling's sum over H and W) or
     * all but one (a conv bias gradient), one Java pass accumulated in double; else null.
     */
    static INDArray sum(INDArray x, int[] dims, long[] outShape) {
        if (x.dataType() != DataType.FLOAT || x.length() == 0 || dims.length == 0 || !Host.isDense(x)) {
            return null;
        }
        if (dims.length == x.rank()) {
            return all(x, outShape);
        }
        int[] d = dims.clone();
        Arrays.sort(d);
        if (d[d.length - 1] == d.length - 1 && d.length < x.rank()) {
            return leading(x, d.length, outShape);
        }
        if (d[0] == x.rank() - d.length && d[d.length - 1] == x.rank() - 1) {
            return trailing(x, d.length, outShape);
        }
        if (d.length == x.rank() - 1) {
            return allButOne(x, d, outShape);
        }
        return null;
    }

    /**
     * The sum of every element (a loss, a mean) accumulated in double: a float accumulator loses
     * about one digit per factor of ten elements; this one is exact to float's precision for any
     * size a float32 array can have.
     */
    private static INDArray all(INDArray x, long[] outShape) {
        FloatBuffer v = Host.floatView(x);
        float[] block = Host.floatScratch(Host.Work.SUM_ALL, (int) Math.min(x.length(), 1 << 14));
        double total = 0;
        for (int at = 0, n = (int) x.length(); at < n; at += block.length) {
            int len = Math.min(block.length, n - at);
            v.get(at, block, 0, len);
            double s = 0;
            for (int i = 0; i < len; i++) {
                s += block[i];
            }
            total += s;
        }
        INDArray out = Memory.allocate(DataType.FLOAT, outShape);
        Host.floatView(out).put(0, (float) total);
        return out;
    }

    /** {@code a} repeated along the leading dims of {@code shape}, for small dense float32 arrays; else null. */
    static INDArray expand(INDArray a, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n == 0 || n > Host.SMALL || a.dataType() != DataType.FLOAT || !Host.isDense(a) || !repeats(a.shape(), shape)) {
            return null;
        }
        int na = (int) a.length();
        float[] x = Host.floatsInto(a, Host.floatScratch(Host.Work.EXPAND_A, na));
        float[] r = Host.floatScratch(Host.Work.EXPAND_OUT, (int) n);
        for (int o = 0; o < n; o += na) {
            System.arraycopy(x, 0, r, o, na);
        }
        return Host.arrayFrom(r, shape);
    }

    /**
     * {@code a} repeated along the trailing dims of {@code shape}, where a's own are 1 ({@code [N, C, 1, 1]}
     * to {@code [N, C, H, W]}: global average pooling's backward), for dense float32 a of any size,
     * split over the kernel threads; else null.
     */
    static INDArray expandTrailing(INDArray a, long[] shape) {
        long[] as = a.shape();
        if (a.dataType() != DataType.FLOAT || !Host.isDense(a) || as.length != shape.length) {
            return null;
        }
        int kept = as.length;
        while (kept > 0 && as[kept - 1] == 1) {
            kept--;
        }
        long rows = 1;
        long cols = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < kept && as[i] != shape[i]) {
                return null;
            }
            if (i < kept) {
                rows *= shape[i];
            } else {
                cols *= shape[i];
            }
        }
        if (kept == shape.length || rows * cols == 0 || rows * cols > Integer.MAX_VALUE) {
            return null;
        }
        int rowLength = (int) cols;
        float[] values = Host.floatsInto(a, Host.floatScratch(Host.Work.EXPAND_A, (int) rows));
        INDArray out = Memory.allocate(DataType.FLOAT, shape);
        FloatBuffer o = Host.floatView(out); // shared by the chunks: absolute puts only
        Parallel.forEach((int) rows, Math.max(1, SUM_ELEMENTS_PER_CHUNK / rowLength), (chunk, from, to) -> {
            float[] r = Host.floatScratch(Host.Work.EXPAND_OUT, (to - from) * rowLength);
            for (int row = from; row < to; row++) {
                Arrays.fill(r, (row - from) * rowLength, (row - from + 1) * rowLength, values[row]);
            }
            o.put(from * rowLength, r, 0, (to - from) * rowLength);
        });
        return out;
    }

    private static INDArray leading(INDArray g, int summed, long[] outShape) {
        long[] shape = g.shape();
        int rows = 1;
        for (int i = 0; i < summed; i++) {
            rows *= (int) shape[i];
        }
        int cols = (int) (g.length() / rows);
        float[] v = Host.floatsScratch(Host.Work.SUM_TO_SRC, g);
        double[] acc = Host.doubleScratch(Host.Work.SUM_TO_ACC, cols);
        Arrays.fill(acc, 0, cols, 0.0);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                acc[c] += v[base + c];
            }
        }
        INDArray out = Memory.allocate(DataType.FLOAT, outShape);
        FloatBuffer o = Host.floatView(out);
        for (int c = 0; c < cols; c++) {
            o.put(c, (float) acc[c]);
        }
        return out;
    }

    /**
     * Input elements per chunk of the conv bias sum: enough that a chunk's copy and additions
     * outweigh handing it to another thread; fewer, larger chunks mean fewer partial sums to add.
     */
    static final int SUM_ELEMENTS_PER_CHUNK = 1 << 14;

    /**
     * Sums over the last {@code summed} dims: each kept index's values are one contiguous row, so
     * chunks of rows are copied in bulk and each row summed as {@link #rowSum} does.
     */
    private static INDArray trailing(INDArray x, int summed, long[] outShape) {
        long[] shape = x.shape();
        int cols = 1;
        for (int i = shape.length - summed; i < shape.length; i++) {
            cols *= (int) shape[i];
        }
        int rowLength = cols;
        int rows = (int) (x.length() / cols);
        FloatBuffer view = Host.floatView(x);
        INDArray out = Memory.allocate(DataType.FLOAT, outShape);
        FloatBuffer o = Host.floatView(out); // shared by the chunks: absolute puts only
        Parallel.forEach(rows, Math.max(1, SUM_ELEMENTS_PER_CHUNK / cols), (chunk, from, to) -> {
            float[] v = Host.floatScratch(Host.Work.SUM_SRC, (to - from) * rowLength);
            view.get(from * rowLength, v, 0, (to - from) * rowLength);
            for (int r = from; r < to; r++) {
                o.put(r, (float) rowSum(v, (r - from) * rowLength, rowLength));
            }
        });
        return out;
    }

    /**
     * {@code v[from .. from + n)} summed in eight float lanes (a single accumulator waits on each
     * add's latency; eight keep the adder busy), each lane at most one plane long before it goes to
     * the caller's double.
     */
    private static double rowSum(float[] v, int from, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        int i = from;
        for (int end = from + n - 7; i < end; i += 8) {
            s0 += v[i];
            s1 += v[i + 1];
            s2 += v[i + 2];
            s3 += v[i + 3];
            s4 += v[i + 4];
            s5 += v[i + 5];
            s6 += v[i + 6];
            s7 += v[i + 7];
        }
        for (; i < from + n; i++) {
            s0 += v[i];
        }
        return ((double) s0 + s1 + s2 + s3) + ((double) s4 + s5 + s6 + s7);
    }

    private static INDArray allButOne(INDArray x, int[] sortedDims, long[] outShape) {
        int kept = 0;
        while (kept < sortedDims.length && sortedDims[kept] == kept) {
            kept++;
        }
        long[] shape = x.shape();
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < kept) {
                outer *= (int) shape[i];
            } else if (i > kept) {
                inner *= (int) shape[i];
            }
        }
        int size = (int) shape[kept];
        int planeSize = inner;
        int block = size * inner; // one outer index: a sample of a conv bias gradient
        int chunk = Math.max(1, SUM_ELEMENTS_PER_CHUNK / Math.max(1, block));
        double[][] partial = new double[Parallel.chunks(outer, chunk)][size];
        FloatBuffer view = Host.floatView(x);
        Parallel.forEach(outer, chunk, (c, from, to) -> {
            float[] v = Host.floatScratch(Host.Work.SUM_SRC, (to - from) * block);
            view.get(from * block, v, 0, (to - from) * block);
            double[] acc = partial[c];
            for (int o = 0; o < to - from; o++) {
                for (int b = 0; b < size; b++) {
                    acc[b] += rowSum(v, (o * size + b) * planeSize, planeSize);
                }
            }
        });
        float[] out = new float[size];
        for (int b = 0; b < size; b++) {
            double total = 0;
            for (double[] acc : partial) { // chunk order: the same sum on any number of threads
                total += acc[b];
            }
            out[b] = (float) total;
        }
        return Host.arrayFrom(out, outShape);
    }

    // ---------------------------------------------------------------- optimizer

    /**
     * One SGD step ({@code Kernels.sgdStep}: weight decay, dampening, Nesterov) as one Java loop in
     * place over dense float32 buffers, instead of several ND4J calls and temporaries per parameter
     * (LeNet's small tensors cost more in dispatch than in arithmetic). False when a buffer is not dense float32.
     */
    static boolean sgdStep(INDArray p, INDArray g, INDArray buf, double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                           boolean first) {
        FloatBuffer pv = Host.floatView(p);
        FloatBuffer gv = Host.floatView(g);
        FloatBuffer bv = buf == null ? null : Host.floatView(buf);
        if (pv == null || gv == null || (momentum != 0 && bv == null)) {
            return false;
        }
        float wd = (float) weightDecay;
        float m = (float) momentum;
        float keep = (float) (1 - dampening);
        float step = (float) lr;
        for (int i = 0, n = (int) p.length(); i < n; i++) {
            float pi = pv.get(i);
            float d = gv.get(i) + wd * pi;
            if (m != 0) {
                float b = first ? d : bv.get(i) * m + keep * d;
                bv.put(i, b);
                d = nesterov ? d + m * b : b;
            }
            pv.put(i, pi - step * d);
        }
        return true;
    }

    /**
     * One Adam step ({@code Kernels.adamStep}) as one Java loop in place over dense float32 buffers,
     * in the reference's order of float operations; false when a buffer is not dense float32.
     */
    static boolean adamStep(INDArray p, INDArray g, INDArray m, INDArray v, double lr, double beta1, double beta2, double eps, double weightDecay,
                            boolean decoupled, double t) {
        FloatBuffer pv = Host.floatView(p);
        FloatBuffer gv = Host.floatView(g);
        FloatBuffer mv = Host.floatView(m);
        FloatBuffer vv = Host.floatView(v);
        if (pv == null || gv == null || mv == null || vv == null) {
            return false;
        }
        float shrink = (float) (1 - lr * weightDecay);
        float wd = (float) weightDecay;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float keep1 = (float) (1 - beta1);
        float keep2 = (float) (1 - beta2);
        float bias2 = (float) (1 - Math.pow(beta2, t));
        float e = (float) eps;
        float step = (float) (lr / (1 - Math.pow(beta1, t)));
        for (int i = 0, n = (int) p.length(); i < n; i++) {
            float pi = pv.get(i);
            float gi = gv.get(i);
            if (weightDecay != 0) {
                if (decoupled) {
                    pi *= shrink;
                } else {
                    gi = gi + pi * wd;
                }
            }
            float mi = mv.get(i) * b1 + gi * keep1;
            float vi = vv.get(i) * b2 + gi * gi * keep2;
            mv.put(i, mi);
            vv.put(i, vi);
            float denom = (float) Math.sqrt(vi / bias2) + e;
            pv.put(i, pi - mi / denom * step);
        }
        return true;
    }

}
