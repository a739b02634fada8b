package dev.adjoint.ops.conv;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The arithmetic of the conv family on plain ND4J arrays, no autograd: im2col, gemm, col2im.
 * Everything is 2-D here ({@code [N, C, H, W]}); 1-D callers pass {@code H = 1}.
 *
 * <p>Layout trick (as in Deeplearning4j): the column buffer is allocated as
 * {@code [N, oh, ow, C, kh, kw]} and im2col writes into its permuted view
 * {@code [N, C, kh, kw, oh, ow]}, so the buffer is already the gemm operand
 * {@code [N*oh*ow, C*kh*kw]} without a copy.
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

    /** im2col of x as the gemm operand {@code [N*oh*ow, C*kh*kw]}. */
    static INDArray columns(INDArray x, long kh, long kw, long oh, long ow, Params p) {
        long n = x.size(0);
        long c = x.size(1);
        INDArray buf = Nd4j.createUninitialized(x.dataType(), n, oh, ow, c, kh, kw);
        Convolution.im2col(x, (int) kh, (int) kw, p.sh(), p.sw(), p.ph(), p.pw(), p.dh(), p.dw(), false, buf.permute(0, 3, 4, 5, 1, 2));
        return buf.reshape('c', n * oh * ow, c * kh * kw);
    }

    private static INDArray cols(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    private static INDArray rows(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** {@code [N, C, H, W] -> [N*H*W, C]}, contiguous. */
    static INDArray channelsLast(INDArray a) {
        return a.permute(0, 2, 3, 1).dup('c').reshape('c', a.size(0) * a.size(2) * a.size(3), a.size(1));
    }

    /** {@code [N*H*W, C] -> [N, C, H, W]}, contiguous. */
    static INDArray channelsFirst(INDArray m, long n, long h, long w) {
        return m.reshape('c', n, h, w, m.size(1)).permute(0, 3, 1, 2).dup('c');
    }

    /**
     * Convolution (cross-correlation, as PyTorch): {@code y = conv(x, w) + b}.
     * x {@code [N, C, H, W]}, w {@code [O, C/g, kh, kw]}, b {@code [O]} or null; output {@code [N, O, oh, ow]}.
     */
    public static INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, Params p) {
        long n = x.size(0);
        long c = x.size(1);
        long o = w.size(0);
        long kh = w.size(2);
        long kw = w.size(3);
        long kk = kh * kw;
        long cg = c / p.groups();
        long og = o / p.groups();
        INDArray col = columns(x, kh, kw, oh, ow, p);
        INDArray wm = w.reshape('c', o, cg * kk);
        INDArray out;
        if (p.groups() == 1) {
            out = col.mmul(wm.transpose());
        } else {
            out = Nd4j.createUninitialized(x.dataType(), n * oh * ow, o);
            for (int g = 0; g < p.groups(); g++) {
                INDArray part = cols(col, g * cg * kk, (g + 1) * cg * kk).mmul(rows(wm, g * og, (g + 1) * og).transpose());
                cols(out, g * og, (g + 1) * og).assign(part);
            }
        }
        INDArray y = channelsFirst(out, n, oh, ow);
        if (b != null) {
            y.addi(b.reshape(1, o, 1, 1));
        }
        return y;
    }

    /**
     * Transposed convolution, the fast scatter form: per input pixel, gemm gives the kernel-sized
     * patch it contributes ({@code x @ W}), and col2im adds the patches into the output at
     * stride spacing. No multiplication by inserted zeros.
     * x {@code [N, Cin, H, W]}, w {@code [Cin, O/g, kh, kw]}; output {@code [N, O, OH, OW]}.
     */
    public static INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, Params p) {
        long n = x.size(0);
        long cin = x.size(1);
        long h = x.size(2);
        long wd = x.size(3);
        long kh = w.size(2);
        long kw = w.size(3);
        long kk = kh * kw;
        long og = w.size(1);
        long o = og * p.groups();
        long cg = cin / p.groups();
        INDArray xm = channelsLast(x);
        INDArray wm = w.reshape('c', cin, og * kk);
        INDArray buf = Nd4j.createUninitialized(x.dataType(), n, h, wd, o, kh, kw);
        INDArray col = buf.reshape('c', n * h * wd, o * kk);
        if (p.groups() == 1) {
            Nd4j.gemm(xm, wm, col, false, false, 1.0, 0.0);
        } else {
            for (int g = 0; g < p.groups(); g++) {
                INDArray part = cols(xm, g * cg, (g + 1) * cg).mmul(rows(wm, g * cg, (g + 1) * cg));
                cols(col, g * og * kk, (g + 1) * og * kk).assign(part);
            }
        }
        INDArray y = Nd4j.zeros(x.dataType(), n, o, outH, outW);
        Convolution.col2im(buf.permute(0, 3, 4, 5, 1, 2), y, p.sh(), p.sw(), p.ph(), p.pw(), (int) outH, (int) outW, p.dh(), p.dw());
        if (b != null) {
            y.addi(b.reshape(1, o, 1, 1));
        }
        return y;
    }

    /**
     * Weight gradient of {@code conv2d(x, w)} for output gradient gy: the correlation of x with gy,
     * {@code gw[o, c, i, j] = sum_{n,y,x} gy[n, o, y, x] * xpad[n, c, y*s + i*d, x*s + j*d]}.
     * gy may be smaller than the natural output of x (the transposed op's backward asks for that);
     * the missing far rows and columns count as zeros.
     */
    public static INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, long oh, long ow, Params p) {
        long n = x.size(0);
        long c = x.size(1);
        long o = gy.size(1);
        long kk = kh * kw;
        long cg = c / p.groups();
        long og = o / p.groups();
        INDArray g = gy;
        if (gy.size(2) != oh || gy.size(3) != ow) {
            g = Nd4j.zeros(gy.dataType(), n, o, oh, ow);
            g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, gy.size(2)), NDArrayIndex.interval(0, gy.size(3)))
                    .assign(gy);
        }
        INDArray col = columns(x, kh, kw, oh, ow, p);
        INDArray gm = channelsLast(g);
        INDArray gw;
        if (p.groups() == 1) {
            gw = gm.transpose().mmul(col);
        } else {
            gw = Nd4j.createUninitialized(x.dataType(), o, cg * kk);
            for (int gi = 0; gi < p.groups(); gi++) {
                INDArray part = cols(gm, gi * og, (gi + 1) * og).transpose().mmul(cols(col, gi * cg * kk, (gi + 1) * cg * kk));
                rows(gw, gi * og, (gi + 1) * og).assign(part);
            }
        }
        return gw.reshape('c', o, cg, kh, kw);
    }

    /** A 1-D operand {@code [N, C, L]} seen as 2-D {@code [N, C, 1, L]} (a view); 4-D arrays pass through. */
    public static INDArray lift(INDArray a) {
        return a.rank() == 3 ? a.reshape('c', a.size(0), a.size(1), 1, a.size(2)) : a;
    }
}
