package dev.adjoint.ops.conv;

import dev.adjoint.Arena;
import dev.adjoint.ops.Host;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The arithmetic of the conv family on plain ND4J arrays, no autograd: im2col, gemm, col2im.
 * Everything is 2-D here ({@code [N, C, H, W]}); 1-D callers pass {@code H = 1}.
 *
 * <p>Three paths, the same arithmetic: float32 without groups goes one sample at a time
 * ({@link SampleKernels}: per-sample im2col and a BLAS gemm on two cores; the forward of narrow
 * layers in Java loops, {@link DirectKernels}). Float64 and grouped convolutions take the batched
 * path here: the column matrix is {@code [C*kh*kw, N*oh*ow]} ({@link Columns}), a convolution is one
 * gemm {@code W [O, C*kh*kw] x col} per group, giving {@code [O, N*oh*ow]}, which one layout swap
 * turns into {@code [N, O, oh, ow]}. The PyTorch conformance cases check the batched path in
 * float64; tests check the float32 paths against it.
 */
public final class ConvKernels {
    private ConvKernels() {
    }

    /** The stride/padding/dilation of a 2-D kernel call, with 1-D geometries lifted to {@code H = 1}. */
    public record Params(int sh, int sw, int ph, int pw, int dh, int dw, int oph, int opw, int groups) {
        public static Params of(ConvGeometry g) {
            if (g.spatialDims == 1) {
                return new Params(1, g.stride[0], 0, g.padding[0], 1, g.dilation[0], 0, g.outputPadding[0], g.groups);
            }
            return new Params(g.stride[0], g.stride[1], g.padding[0], g.padding[1], g.dilation[0], g.dilation[1],
                    g.outputPadding[0], g.outputPadding[1], g.groups);
        }
    }

    private static INDArray rows(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** {@code [N, C, H, W] -> [C, N*H*W]}, contiguous. */
    static INDArray channelsOuter(INDArray a) {
        long n = a.size(0);
        long c = a.size(1);
        return Host.swapLeadingAxes(a.reshape('c', n, c, a.length() / (n * c)), new long[] {c, a.length() / c}, null);
    }

    /** {@code [C, N*H*W] -> [N, C, H, W]} plus an optional per-channel bias, contiguous. */
    static INDArray batchOuter(INDArray m, long n, long h, long w, INDArray bias) {
        long c = m.size(0);
        return Host.swapLeadingAxes(m.reshape('c', c, n, h * w), new long[] {n, c, h, w}, bias);
    }

    /** {@code out = a x b} (optionally transposed), per group of rows when {@code groups > 1}. */
    private static INDArray groupedGemm(INDArray a, boolean transA, INDArray b, boolean transB, long outRows, long outCols, int groups) {
        INDArray out = Arena.allocate(b.dataType(), outRows, outCols);
        if (groups == 1) {
            Nd4j.gemm(a, b, out, transA, transB, 1.0, 0.0);
            return out;
        }
        long aRows = a.size(0) / groups;
        long bRows = b.size(0) / groups;
        long oRows = outRows / groups;
        for (int g = 0; g < groups; g++) {
            INDArray ag = rows(a, g * aRows, (g + 1) * aRows);
            INDArray bg = rows(b, g * bRows, (g + 1) * bRows);
            INDArray part = (transA ? ag.transpose() : ag).mmul(transB ? bg.transpose() : bg);
            rows(out, g * oRows, (g + 1) * oRows).assign(part);
        }
        return out;
    }

    /**
     * Convolution (cross-correlation, as PyTorch): {@code y = conv(x, w) + b}.
     * x {@code [N, C, H, W]}, w {@code [O, C/g, kh, kw]}, b {@code [O]} or null; output {@code [N, O, oh, ow]}.
     */
    public static INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, Params p) {
        if (DirectKernels.suits(x, w.length(), p)) {
            return DirectKernels.conv2d(x, w, b, oh, ow, p);
        }
        if (SampleKernels.suits(x, p)) {
            return SampleKernels.conv2d(x, w, b, oh, ow, p);
        }
        long n = x.size(0);
        long o = w.size(0);
        long kh = w.size(2);
        long kw = w.size(3);
        INDArray col = Columns.im2col(x, kh, kw, oh, ow, p);
        INDArray wm = w.reshape('c', o, w.size(1) * kh * kw);
        INDArray out = groupedGemm(wm, false, col, false, o, n * oh * ow, p.groups());
        return batchOuter(out, n, oh, ow, b);
    }

    /**
     * Transposed convolution, the fast scatter form: a gemm gives, for every input pixel, the
     * kernel-sized patch it contributes ({@code W^T x}), and col2im adds the patches into the output
     * at stride spacing. No multiplication by inserted zeros.
     * x {@code [N, Cin, H, W]}, w {@code [Cin, O/g, kh, kw]}; output {@code [N, O, outH, outW]}.
     */
    public static INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, Params p) {
        if (SampleKernels.suits(x, p)) {
            return SampleKernels.convTranspose2d(x, w, b, outH, outW, p);
        }
        long n = x.size(0);
        long cin = x.size(1);
        long h = x.size(2);
        long wd = x.size(3);
        long kh = w.size(2);
        long kw = w.size(3);
        long o = w.size(1) * p.groups();
        INDArray xm = channelsOuter(x);
        INDArray wm = w.reshape('c', cin, w.size(1) * kh * kw);
        INDArray col = groupedGemm(wm, true, xm, false, o * kh * kw, n * h * wd, p.groups());
        INDArray y = Columns.col2im(col, n, o, outH, outW, kh, kw, h, wd, p);
        if (b != null) {
            y.addi(b.reshape(1, o, 1, 1));
        }
        return y;
    }

    /**
     * Weight gradient of {@code conv2d(x, w)} for output gradient gy: the correlation of x with gy,
     * {@code gw[o, c, i, j] = sum_{n,y,x} gy[n, o, y, x] * xpad[n, c, y*s + i*d, x*s + j*d]}.
     * gy may be smaller than the natural output of x (the transposed op's backward asks for that):
     * only the windows gy has are visited.
     */
    public static INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, Params p) {
        if (SampleKernels.suits(x, p)) {
            return SampleKernels.convWeightGrad(x, gy, kh, kw, p);
        }
        long oh = gy.size(2);
        long ow = gy.size(3);
        long o = gy.size(1);
        long cg = x.size(1) / p.groups();
        INDArray col = Columns.im2col(x, kh, kw, oh, ow, p);
        INDArray g = channelsOuter(gy);
        INDArray gw = groupedGemm(g, false, col, true, o, cg * kh * kw, p.groups());
        return gw.reshape('c', o, cg, kh, kw);
    }

    /** A 1-D operand {@code [N, C, L]} seen as 2-D {@code [N, C, 1, L]} (a view); 4-D arrays pass through. */
    public static INDArray lift(INDArray a) {
        return a.rank() == 3 ? a.reshape('c', a.size(0), a.size(1), 1, a.size(2)) : a;
    }
}
