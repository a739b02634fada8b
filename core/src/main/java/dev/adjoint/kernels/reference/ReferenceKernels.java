package dev.adjoint.kernels.reference;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import dev.adjoint.kernels.BinaryOp;
import dev.adjoint.kernels.ConvParams;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.kernels.MaxPoolResult;
import dev.adjoint.kernels.PoolParams;
import dev.adjoint.memory.IntArrays;
import java.util.Arrays;
import dev.adjoint.memory.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The kernels written the plain way: ND4J operations (gemm, views, reductions, transforms) and
 * short Java loops over copied values, on the calling thread. This is the code to step into when
 * following backprop to the arithmetic ({@code -Dadjoint.kernels=reference}), and it runs on any
 * ND4J backend. The fast CPU kernels must agree with it ({@code KernelEquivalenceTest}).
 *
 * <p>The conv family is im2col, gemm, col2im. {@link #im2col} copies, for every kernel tap
 * {@code (i, j)}, the strided window of the padded input that tap sees; {@link #col2im} adds the
 * same windows back. The two are each other's adjoint by construction, which is why a transposed
 * convolution (gemm, then col2im) is the adjoint of a convolution (im2col, then gemm).
 */
public class ReferenceKernels implements Kernels {

    @Override
    public String name() {
        return "reference";
    }

    // ---------------------------------------------------------------- the conv family

    @Override
    public INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p) {
        long n = x.size(0);
        long o = w.size(0);
        long k = w.length() / o; // C/groups * kh * kw
        long og = o / p.groups();
        INDArray col = columns(im2col(x, w.size(2), w.size(3), oh, ow, p)); // [C*kh*kw, N*oh*ow]
        INDArray wm = w.reshape('c', o, k);
        INDArray y = Nd4j.create(x.dataType(), o, n * oh * ow);
        for (int g = 0; g < p.groups(); g++) {
            // y[group g] = W[group g] [O/g, C/g*kh*kw] x col[group g] [C/g*kh*kw, N*oh*ow]
            rows(y, g * og, og).assign(rows(wm, g * og, og).mmul(rows(col, g * k, k)));
        }
        INDArray out = y.reshape('c', o, n, oh, ow).permute(1, 0, 2, 3).dup('c');
        return b == null ? out : out.addi(b.reshape(1, o, 1, 1));
    }

    @Override
    public INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p) {
        long n = x.size(0);
        long cin = x.size(1);
        long h = x.size(2);
        long wd = x.size(3);
        long kh = w.size(2);
        long kw = w.size(3);
        long og = w.size(1);
        long o = og * p.groups();
        long cg = cin / p.groups();
        INDArray xm = x.permute(1, 0, 2, 3).dup('c').reshape('c', cin, n * h * wd);
        INDArray wm = w.reshape('c', cin, og * kh * kw);
        INDArray col = Nd4j.create(x.dataType(), o * kh * kw, n * h * wd);
        for (int g = 0; g < p.groups(); g++) {
            // each input pixel's contribution to its kernel-sized patch: W[group g]^T x x[group g]
            rows(col, g * og * kh * kw, og * kh * kw).assign(rows(wm, g * cg, cg).transpose().mmul(rows(xm, g * cg, cg)));
        }
        // rows are (o, i, j), columns (n, y, x): as [N, O, kh, kw, h, w], then the patches are added into the output
        INDArray cols = col.reshape('c', o, kh, kw, n, h, wd).permute(3, 0, 1, 2, 4, 5);
        INDArray y = col2im(cols, outH, outW, p);
        return b == null ? y : y.addi(b.reshape(1, o, 1, 1));
    }

    @Override
    public INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, ConvParams p) {
        long n = x.size(0);
        long o = gy.size(1);
        long oh = gy.size(2);
        long ow = gy.size(3);
        long og = o / p.groups();
        long k = x.size(1) / p.groups() * kh * kw;
        INDArray col = columns(im2col(x, kh, kw, oh, ow, p));
        INDArray gym = gy.permute(1, 0, 2, 3).dup('c').reshape('c', o, n * oh * ow);
        INDArray gw = Nd4j.create(x.dataType(), o, k);
        for (int g = 0; g < p.groups(); g++) {
            // gw[group g] = gy[group g] [O/g, N*oh*ow] x col[group g]^T [N*oh*ow, C/g*kh*kw]
            rows(gw, g * og, og).assign(rows(gym, g * og, og).mmul(rows(col, g * k, k).transpose()));
        }
        return gw.reshape('c', o, x.size(1) / p.groups(), kh, kw);
    }

    /**
     * The columns of x {@code [N, C, H, W]} as {@code [N, C, kh, kw, oh, ow]}:
     * {@code col[n, c, i, j, y, x] = xpad[n, c, y*sh + i*dh, x*sw + j*dw]}, one strided window per tap.
     */
    public static INDArray im2col(INDArray x, long kh, long kw, long oh, long ow, ConvParams p) {
        INDArray padded = Nd4j.create(x.dataType(), x.size(0), x.size(1), x.size(2) + 2L * p.ph(), x.size(3) + 2L * p.pw());
        padded.get(all(), all(), interval(p.ph(), p.ph() + x.size(2)), interval(p.pw(), p.pw() + x.size(3))).assign(x);
        INDArray col = Nd4j.create(x.dataType(), x.size(0), x.size(1), kh, kw, oh, ow);
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                col.get(all(), all(), point(i), point(j), all(), all()).assign(window(padded, i, j, oh, ow, p));
            }
        }
        return col;
    }

    /**
     * The adjoint of {@link #im2col}: adds {@code col [N, C, kh, kw, oh, ow]} back into an image
     * {@code [N, C, H, W]}, every tap's values into the window it was copied from.
     */
    public static INDArray col2im(INDArray col, long h, long w, ConvParams p) {
        long kh = col.size(2);
        long kw = col.size(3);
        INDArray padded = Nd4j.create(col.dataType(), col.size(0), col.size(1), h + 2L * p.ph(), w + 2L * p.pw());
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                window(padded, i, j, col.size(4), col.size(5), p).addi(col.get(all(), all(), point(i), point(j), all(), all()));
            }
        }
        return padded.get(all(), all(), interval(p.ph(), p.ph() + h), interval(p.pw(), p.pw() + w)).dup('c');
    }

    /** The part of a padded image that kernel tap {@code (i, j)} sees over an {@code oh x ow} output: a strided view. */
    private static INDArray window(INDArray padded, long i, long j, long oh, long ow, ConvParams p) {
        return padded.get(all(), all(), every(i * p.dh(), oh, p.sh()), every(j * p.dw(), ow, p.sw()));
    }

    /** {@code count} positions from {@code begin}, {@code stride} apart. */
    private static INDArrayIndex every(long begin, long count, long stride) {
        // one position as a plain interval: ND4J 1.0.0-M2.1 stretches a strided interval holding a single element past its end
        return count == 1 ? interval(begin, begin + 1) : interval(begin, stride, begin + (count - 1) * stride + 1);
    }

    /** {@code [N, C, kh, kw, oh, ow] -> [C*kh*kw, N*oh*ow]}: one column per output pixel, for the gemm. */
    private static INDArray columns(INDArray col) {
        long n = col.size(0);
        return col.permute(1, 2, 3, 0, 4, 5).dup('c').reshape('c', col.length() / (n * col.size(4) * col.size(5)),
                n * col.size(4) * col.size(5));
    }

    /** Rows {@code [from, from + count)} of a matrix, as a view. */
    private static INDArray rows(INDArray m, long from, long count) {
        return m.get(interval(from, from + count), all());
    }

    // ---------------------------------------------------------------- pooling and indexing

    @Override
    public MaxPoolResult maxPool2d(INDArray x, PoolParams p) {
        double[] v = toDoubles(x);
        int planes = (int) (p.n() * p.c());
        int outPix = (int) (p.oh() * p.ow());
        double[] y = new double[planes * outPix];
        int[] argmax = IntArrays.take(planes * outPix); // every entry written below; given back by the Function after backward
        for (int plane = 0; plane < planes; plane++) {
            for (int oy = 0; oy < p.oh(); oy++) {
                for (int ox = 0; ox < p.ow(); ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int slot = 0; slot < p.kh() * p.kw(); slot++) {
                        long iy = oy * p.sh() - p.ph() + slot / p.kw();
                        long ix = ox * p.sw() - p.pw() + slot % p.kw();
                        if (iy < 0 || iy >= p.h() || ix < 0 || ix >= p.w()) {
                            continue; // padding never wins
                        }
                        int i = (int) ((plane * p.h() + iy) * p.w() + ix);
                        if (at < 0 || v[i] > best || Double.isNaN(v[i])) {
                            best = v[i];
                            at = i;
                            if (Double.isNaN(v[i])) {
                                break; // NaN wins, as in PyTorch
                            }
                        }
                    }
                    int o = (int) ((plane * p.oh() + oy) * p.ow() + ox);
                    y[o] = best;
                    argmax[o] = at;
                }
            }
        }
        return new MaxPoolResult(Nd4j.create(y, p.outputShape(), x.dataType()), argmax);
    }

    @Override
    public INDArray avgPool2d(INDArray x, PoolParams p, boolean countIncludePad) {
        double[] in = toDoubles(x);
        double[] out = new double[(int) (p.n() * p.c() * p.oh() * p.ow())];
        sweep(p, countIncludePad, (o, i, divisor) -> out[o] += in[i] / divisor);
        return Nd4j.create(out, p.outputShape(), x.dataType());
    }

    @Override
    public INDArray avgPool2dBackward(INDArray gy, PoolParams p, boolean countIncludePad) {
        double[] g = toDoubles(gy);
        double[] gx = new double[(int) (p.n() * p.c() * p.h() * p.w())];
        sweep(p, countIncludePad, (o, i, divisor) -> gx[i] += g[o] / divisor);
        return Nd4j.create(gx, p.inputShape(), gy.dataType());
    }

    /** One (output, input) pair of an average-pooling sweep, with the divisor of that output. */
    private interface Visitor {
        void visit(int out, int in, double divisor);
    }

    /** Visits every in-image element of every window: the forward and its adjoint are the same sweep. */
    private static void sweep(PoolParams p, boolean countIncludePad, Visitor v) {
        int planes = (int) (p.n() * p.c());
        for (int plane = 0; plane < planes; plane++) {
            for (int oy = 0; oy < p.oh(); oy++) {
                long y0 = oy * p.sh() - p.ph();
                long yStart = Math.max(y0, 0);
                long yEnd = Math.min(y0 + p.kh(), p.h());
                for (int ox = 0; ox < p.ow(); ox++) {
                    long x0 = ox * p.sw() - p.pw();
                    long xStart = Math.max(x0, 0);
                    long xEnd = Math.min(x0 + p.kw(), p.w());
                    double divisor = countIncludePad ? p.kh() * p.kw() : (yEnd - yStart) * (xEnd - xStart);
                    int o = (int) ((plane * p.oh() + oy) * p.ow() + ox);
                    for (long iy = yStart; iy < yEnd; iy++) {
                        for (long ix = xStart; ix < xEnd; ix++) {
                            v.visit(o, (int) ((plane * p.h() + iy) * p.w() + ix), divisor);
                        }
                    }
                }
            }
        }
    }

    @Override
    public INDArray gather(INDArray x, int[] index, long[] outShape) {
        double[] v = toDoubles(x);
        double[] y = new double[index.length];
        for (int i = 0; i < index.length; i++) {
            y[i] = v[index[i]];
        }
        return Nd4j.create(y, outShape, x.dataType());
    }

    @Override
    public INDArray scatterAdd(INDArray x, int[] index, long[] outShape) {
        double[] v = toDoubles(x);
        double[] y = new double[(int) numel(outShape)];
        for (int i = 0; i < index.length; i++) {
            y[index[i]] += v[i];
        }
        return Nd4j.create(y, outShape, x.dataType());
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public INDArray binary(BinaryOp op, INDArray a, INDArray b, long[] shape) {
        INDArray out = newArray(a.dataType(), shape);
        if (out.isEmpty()) {
            return out;
        }
        INDArray x = withRank(a, shape.length);
        INDArray y = withRank(b, shape.length);
        return switch (op) { // ND4J broadcasts both operands into the given output
            case ADD -> x.add(y, out);
            case SUB -> x.sub(y, out);
            case MUL -> x.mul(y, out);
            case DIV -> x.div(y, out);
        };
    }

    @Override
    public INDArray expand(INDArray a, long[] shape) {
        INDArray out = newArray(a.dataType(), shape);
        return out.isEmpty() ? out : out.assign(0).addi(withRank(a, shape.length));
    }

    @Override
    public INDArray relu(INDArray x) {
        return Transforms.relu(x, true);
    }

    @Override
    public INDArray reluBackward(INDArray gy, INDArray y) {
        INDArray step = Nd4j.createUninitialized(y.dataType(), y.shape());
        if (step.isEmpty()) { // an empty batch: ND4J's ops refuse empty operands
            return step;
        }
        Nd4j.getExecutioner().exec(new Step(y, step)); // 1 where y > 0, else 0
        return step.muli(gy);
    }

    @Override
    public INDArray logSoftmax(INDArray x, int dim) {
        INDArray shifted = x.sub(x.max(true, dim)); // x - max(x): exp cannot overflow
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, dim), false);
        return shifted.subi(logSum);
    }

    @Override
    public INDArray logSoftmaxBackward(INDArray gy, INDArray y, int dim) {
        return gy.sub(Transforms.exp(y, true).muli(gy.sum(true, dim)));
    }

    // ---------------------------------------------------------------- normalization

    @Override
    public INDArray[] channelStatistics(INDArray x, double eps) {
        INDArray xd = x.castTo(DataType.DOUBLE); // float64 sums: a float accumulator loses a digit per factor of ten elements
        int[] dims = allButChannels(x.rank());
        INDArray mean = xd.mean(dims); // [C]
        INDArray centered = xd.sub(perChannel(mean, x.rank()));
        INDArray var = centered.muli(centered).mean(dims); // biased, two passes: no cancellation
        INDArray invStd = Transforms.pow(var.add(eps), -0.5, false);
        return new INDArray[] {mean.castTo(x.dataType()), invStd.castTo(x.dataType()), var.castTo(x.dataType())};
    }

    @Override
    public INDArray channelNormalize(INDArray x, INDArray mean, INDArray invStd, INDArray w, INDArray b) {
        INDArray scale = w == null ? invStd : invStd.mul(w);
        INDArray y = x.sub(perChannel(mean, x.rank())).muli(perChannel(scale, x.rank()));
        return b == null ? y : y.addi(perChannel(b, x.rank()));
    }

    @Override
    public INDArray[] channelGradientSums(INDArray gy, INDArray x, INDArray mean, INDArray invStd) {
        INDArray xhat = x.sub(perChannel(mean, x.rank())).muli(perChannel(invStd, x.rank()));
        int[] dims = allButChannels(x.rank());
        return new INDArray[] {sum(gy, dims, mean.shape()), sum(xhat.muli(gy), dims, mean.shape())};
    }

    @Override
    public INDArray batchNormInputGrad(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, boolean batchStatistics) {
        int rank = x.rank();
        INDArray scale = perChannel(w == null ? invStd : invStd.mul(w), rank); // w invStd
        if (!batchStatistics) {
            return gy.mul(scale);
        }
        // the closed form needs two sums per channel: sum(gy) and sum(gy xhat)
        INDArray[] sums = channelGradientSums(gy, x, mean, invStd);
        return batchNormInputGradFromSums(gy, x, mean, invStd, w, sums[0], sums[1]);
    }

    @Override
    public INDArray batchNormInputGradFromSums(INDArray gy, INDArray x, INDArray mean, INDArray invStd, INDArray w, INDArray sumGy,
            INDArray sumGyXhat) {
        int rank = x.rank();
        INDArray scale = perChannel(w == null ? invStd : invStd.mul(w), rank); // w invStd
        double m = x.length() / x.size(1);
        INDArray xhat = x.sub(perChannel(mean, rank)).muli(perChannel(invStd, rank));
        INDArray meanGy = perChannel(sumGy.div(m), rank);
        INDArray meanGyXhat = perChannel(sumGyXhat.div(m), rank);
        return gy.sub(meanGy).subi(xhat.muli(meanGyXhat)).muli(scale);
    }

    /** The dims of {@code [N, C, ...]} other than the channels': {@code [0, 2, 3, ...]}. */
    protected static int[] allButChannels(int rank) {
        int[] dims = new int[rank - 1];
        dims[0] = 0;
        for (int d = 2; d < rank; d++) {
            dims[d - 1] = d;
        }
        return dims;
    }

    /** A {@code [C]} array as {@code [1, C, 1, ...]} of the given rank, to broadcast over {@code [N, C, ...]}. */
    private static INDArray perChannel(INDArray c, int rank) {
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        shape[1] = c.length();
        return c.reshape(shape);
    }

    // ---------------------------------------------------------------- reductions and shape

    @Override
    public INDArray sum(INDArray x, int[] dims, long[] outShape) {
        if (dims.length == 0 || x.rank() == 0) {
            return x.dup('c').reshape('c', outShape);
        }
        // float32 is summed in float64 and rounded once: a float accumulator loses a digit per factor of ten elements
        INDArray wide = x.dataType() == DataType.FLOAT ? x.castTo(DataType.DOUBLE) : x;
        return wide.sum(true, dims).castTo(x.dataType()).reshape('c', outShape);
    }

    @Override
    public INDArray flip(INDArray x, int[] dims) {
        long[] shape = x.shape();
        boolean[] flip = new boolean[shape.length];
        for (int d : dims) {
            flip[d] = true;
        }
        long[] stride = new long[shape.length]; // row-major strides of the flat index
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= shape[d];
        }
        double[] src = toDoubles(x);
        double[] dst = new double[src.length];
        for (int i = 0; i < dst.length; i++) {
            long j = 0;
            for (int d = 0; d < shape.length; d++) {
                long at = (i / stride[d]) % shape[d];
                j += (flip[d] ? shape[d] - 1 - at : at) * stride[d];
            }
            dst[i] = src[(int) j];
        }
        return Nd4j.create(dst, shape, x.dataType());
    }

    // ---------------------------------------------------------------- linear algebra and in-place updates

    @Override
    public INDArray matmul(INDArray a, boolean transA, INDArray b, boolean transB) {
        if (a.rank() == 2 && b.rank() == 2) {
            INDArray out = Nd4j.create(a.dataType(), transA ? a.size(1) : a.size(0), transB ? b.size(0) : b.size(1));
            return Nd4j.gemm(a, b, out, transA, transB, 1.0, 0.0);
        }
        if (b.rank() == 2) { // [..., m, k] @ [k, n]: one gemm over all leading rows
            long k = a.size(a.rank() - 1);
            long[] outShape = a.shape().clone(); // ND4J hands out its own shape array
            outShape[outShape.length - 1] = b.size(1);
            return a.reshape('c', a.length() / k, k).mmul(b).reshape('c', outShape);
        }
        return Nd4j.matmul(a, b);
    }

    @Override
    public void axpy(double alpha, INDArray x, INDArray y) {
        y.addi(alpha == 1 ? x : x.mul(alpha));
    }

    @Override
    public void fill(INDArray a, double value) {
        a.assign(value);
    }

    @Override
    public void sgdStep(INDArray p, INDArray grad, INDArray buf, double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                        boolean first) {
        INDArray d = weightDecay != 0 ? grad.add(p.mul(weightDecay)) : grad;
        if (momentum != 0) {
            if (first) {
                buf.assign(d);
            } else {
                buf.muli(momentum).addi(d.mul(1 - dampening));
            }
            d = nesterov ? d.add(buf.mul(momentum)) : buf;
        }
        p.subi(d.mul(lr));
    }

    @Override
    public void adamStep(INDArray p, INDArray grad, INDArray m, INDArray v, double lr, double beta1, double beta2, double eps, double weightDecay,
                         boolean decoupled, double t) {
        INDArray g = grad;
        if (weightDecay != 0) {
            if (decoupled) {
                p.muli(1 - lr * weightDecay);
            } else {
                g = grad.add(p.mul(weightDecay));
            }
        }
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        double bias1 = 1 - Math.pow(beta1, t);
        double bias2 = 1 - Math.pow(beta2, t);
        INDArray denom = Transforms.sqrt(v.div(bias2), false).addi(eps);
        p.subi(m.div(denom).muli(lr / bias1));
    }

    // ---------------------------------------------------------------- between Java arrays and ND4J

    @Override
    public INDArray fromFloats(float[] values, long[] shape) {
        return Nd4j.create(Arrays.copyOf(values, (int) numel(shape)), shape, DataType.FLOAT);
    }

    @Override
    public double[] toDoubles(INDArray a) {
        return a.isEmpty() ? new double[0] : a.dup('c').data().asDouble();
    }

    @Override
    public float[] toFloats(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("toFloats: expected a float32 array, got " + a.dataType());
        }
        return a.isEmpty() ? new float[0] : a.dup('c').data().asFloat();
    }

    // ---------------------------------------------------------------- helpers

    /** A new array for an output the caller overwrites whole, from the memory pool both kernel sets share. */
    protected INDArray newArray(DataType type, long... shape) {
        return Memory.allocate(type, shape);
    }

    /** A view of {@code a} with leading size-1 dimensions added up to {@code rank}. */
    protected static INDArray withRank(INDArray a, int rank) {
        if (a.rank() == rank) {
            return a;
        }
        long[] padded = new long[rank];
        int offset = rank - a.rank();
        for (int i = 0; i < rank; i++) {
            padded[i] = i < offset ? 1 : a.size(i - offset);
        }
        return a.reshape(padded);
    }

    /** The number of elements of a shape. */
    protected static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return "ReferenceKernels";
    }
}
