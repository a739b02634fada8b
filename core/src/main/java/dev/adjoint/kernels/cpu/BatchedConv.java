package dev.adjoint.kernels.cpu;

import dev.adjoint.memory.Memory;
import dev.adjoint.kernels.ConvParams;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The conv family batched: the column matrix of the whole batch is {@code [C*kh*kw, N*oh*ow]}
 * ({@link Columns}), a convolution is one gemm {@code W [O, C*kh*kw] x col} per group, giving
 * {@code [O, N*oh*ow]}, which one layout swap turns into {@code [N, O, oh, ow]}. Float64 and grouped
 * convolutions take this path ({@link CpuKernels}); the float32 paths are checked against it.
 */
final class BatchedConv {
    private BatchedConv() {
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
        INDArray out = Memory.allocate(b.dataType(), outRows, outCols);
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
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p) {
        long n = x.size(0);
        long o = w.size(0);
        long kh = w.size(2);
        long kw = w.size(3);
        INDArray col = Columns.im2col(x, kh, kw, oh, ow, p);
        INDArray wm = w.reshape('c', o, w.size(1) * kh * kw);
        INDArray out = groupedGemm(wm, false, col, false, o, n * oh * ow, p.groups());
        Memory.release(col); // the batch's columns: nothing else refers to them
        return batchOuter(out, n, oh, ow, b);
    }

    /**
     * Transposed convolution, the fast scatter form: a gemm gives, for every input pixel, the
     * kernel-sized patch it contributes ({@code W^T x}), and col2im adds the patches into the output
     * at stride spacing. No multiplication by inserted zeros.
     * x {@code [N, Cin, H, W]}, w {@code [Cin, O/g, kh, kw]}; output {@code [N, O, outH, outW]}.
     */
    static INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p) {
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
    static INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, ConvParams p) {
        long oh = gy.size(2);
        long ow = gy.size(3);
        long o = gy.size(1);
        long cg = x.size(1) / p.groups();
        INDArray col = Columns.im2col(x, kh, kw, oh, ow, p);
        INDArray g = channelsOuter(gy);
        INDArray gw = groupedGemm(g, false, col, true, o, cg * kh * kw, p.groups());
        Memory.release(col);
        return gw.reshape('c', o, cg, kh, kw);
    }

}
