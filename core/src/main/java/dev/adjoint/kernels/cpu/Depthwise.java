package dev.adjoint.kernels.cpu;

import dev.adjoint.memory.Memory;
import dev.adjoint.kernels.ConvParams;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Depthwise convolutions ({@code groups == channels}, one filter per channel: MobileNet's 3x3
 * layers) for float32, as direct loops over each {@code (sample, channel)} plane: for every kernel
 * tap, a multiply-add of a shifted row of the input into a row of the output, contiguous when the
 * stride is 1. The general paths would run one tiny matrix product per channel (a 1-row gemm over
 * an im2col copy), which is dominated by the copies and the calls. Planes are split between
 * threads; the weight gradient sums each channel over the batch in sample order, so the result
 * does not depend on the thread count.
 */
final class Depthwise {
    /** Values per chunk of planes: enough work to be worth handing to another thread. */
    static final int VALUES_PER_CHUNK = 1 << 14;

    private Depthwise() {
    }

    /** Whether {@code conv2d(x, w)} is depthwise with one filter per channel, float32 and dense. */
    static boolean suitsConv(INDArray x, INDArray w, ConvParams p) {
        return p.groups() > 1 && p.groups() == x.size(1) && w.size(0) == p.groups() && w.size(1) == 1 && plain(x) && plain(w);
    }

    /** Whether {@code convTranspose2d(x, w)} is depthwise: {@code w [C, 1, kh, kw]} with {@code groups == C}. */
    static boolean suitsTranspose(INDArray x, INDArray w, ConvParams p) {
        return p.groups() > 1 && p.groups() == x.size(1) && w.size(0) == p.groups() && w.size(1) == 1 && plain(x) && plain(w);
    }

    /** Whether the weight gradient of a depthwise conv2d of x with output gradient gy takes this path. */
    static boolean suitsWeightGrad(INDArray x, INDArray gy, ConvParams p) {
        return p.groups() > 1 && p.groups() == x.size(1) && gy.size(1) == p.groups() && plain(x) && plain(gy);
    }

    private static boolean plain(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 4 && Host.isDense(a) && a.length() <= Integer.MAX_VALUE;
    }

    /** {@code y[n, c] = b[c] + sum_ij w[c, 0, i, j] xpad[n, c, oy*sh + i*dh, ox*sw + j*dw]}. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int wd = (int) x.size(3);
        int kh = (int) w.size(2);
        int kw = (int) w.size(3);
        int outH = (int) oh;
        int outW = (int) ow;
        float[] wv = Host.floats(w);
        float[] bv = b == null ? null : Host.floats(b);
        INDArray out = Memory.allocate(DataType.FLOAT, n, c, oh, ow);
        FloatBuffer xv = Host.floatView(x);
        FloatBuffer yv = Host.floatView(out);
        int inPlane = h * wd;
        int outPlane = outH * outW;
        Parallel.forEach(n * c, Math.max(1, VALUES_PER_CHUNK / Math.max(inPlane, outPlane)), (chunk, lo, hi) -> {
            float[] in = Host.floatScratch(Host.Work.DEPTHWISE_IN, inPlane);
            float[] acc = Host.floatScratch(Host.Work.DEPTHWISE_OUT, outPlane);
            for (int plane = lo; plane < hi; plane++) {
                int ch = plane % c;
                xv.get(plane * inPlane, in, 0, inPlane);
                java.util.Arrays.fill(acc, 0, outPlane, bv == null ? 0f : bv[ch]);
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        float wt = wv[(ch * kh + i) * kw + j];
                        int dx = j * p.dw() - p.pw();
                        int ox0 = firstInside(dx, p.sw());
                        int ox1 = endInside(dx, p.sw(), wd, outW);
                        for (int oy = 0; oy < outH; oy++) {
                            int iy = oy * p.sh() + i * p.dh() - p.ph();
                            if (iy < 0 || iy >= h || ox0 >= ox1) {
                                continue;
                            }
                            int row = iy * wd + dx;
                            int o = oy * outW;
                            if (p.sw() == 1) {
                                for (int ox = ox0; ox < ox1; ox++) {
                                    acc[o + ox] += wt * in[row + ox];
                                }
                            } else {
                                for (int ox = ox0; ox < ox1; ox++) {
                                    acc[o + ox] += wt * in[row + ox * p.sw()];
                                }
                            }
                        }
                    }
                }
                yv.put(plane * outPlane, acc, 0, outPlane);
            }
        });
        return out;
    }

    /**
     * The transposed (adjoint) form, scattering each input value through its channel's filter:
     * {@code y[n, c, iy*sh + i*dh - ph, ix*sw + j*dw - pw] += w[c, 0, i, j] x[n, c, iy, ix]}, plus b.
     */
    static INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int wd = (int) x.size(3);
        int kh = (int) w.size(2);
        int kw = (int) w.size(3);
        int oh = (int) outH;
        int ow = (int) outW;
        float[] wv = Host.floats(w);
        float[] bv = b == null ? null : Host.floats(b);
        INDArray out = Memory.allocate(DataType.FLOAT, n, c, outH, outW);
        FloatBuffer xv = Host.floatView(x);
        FloatBuffer yv = Host.floatView(out);
        int inPlane = h * wd;
        int outPlane = oh * ow;
        Parallel.forEach(n * c, Math.max(1, VALUES_PER_CHUNK / Math.max(inPlane, outPlane)), (chunk, lo, hi) -> {
            float[] in = Host.floatScratch(Host.Work.DEPTHWISE_IN, inPlane);
            float[] acc = Host.floatScratch(Host.Work.DEPTHWISE_OUT, outPlane);
            for (int plane = lo; plane < hi; plane++) {
                int ch = plane % c;
                xv.get(plane * inPlane, in, 0, inPlane);
                java.util.Arrays.fill(acc, 0, outPlane, bv == null ? 0f : bv[ch]);
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        float wt = wv[(ch * kh + i) * kw + j];
                        int dx = j * p.dw() - p.pw(); // output column = ix * sw + dx
                        int ix0 = firstInside(dx, p.sw());
                        int ix1 = endInside(dx, p.sw(), ow, wd);
                        for (int iy = 0; iy < h; iy++) {
                            int oy = iy * p.sh() + i * p.dh() - p.ph();
                            if (oy < 0 || oy >= oh || ix0 >= ix1) {
                                continue;
                            }
                            int o = oy * ow + dx;
                            int row = iy * wd;
                            if (p.sw() == 1) {
                                for (int ix = ix0; ix < ix1; ix++) {
                                    acc[o + ix] += wt * in[row + ix];
                                }
                            } else {
                                for (int ix = ix0; ix < ix1; ix++) {
                                    acc[o + ix * p.sw()] += wt * in[row + ix];
                                }
                            }
                        }
                    }
                }
                yv.put(plane * outPlane, acc, 0, outPlane);
            }
        });
        return out;
    }

    /**
     * {@code gw[c, 0, i, j] = sum_n sum_{oy, ox} gy[n, c, oy, ox] xpad[n, c, oy*sh + i*dh, ox*sw + j*dw]}
     * over gy's own size; each channel's sum over samples runs in sample order, in float64.
     */
    static INDArray weightGrad(INDArray x, INDArray gy, long kh, long kw, ConvParams p) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int wd = (int) x.size(3);
        int outH = (int) gy.size(2);
        int outW = (int) gy.size(3);
        int taps = (int) (kh * kw);
        float[] gw = new float[c * taps];
        FloatBuffer xv = Host.floatView(x);
        FloatBuffer gv = Host.floatView(gy);
        int inPlane = h * wd;
        int outPlane = outH * outW;
        Parallel.forEach(c, 1, (chunk, lo, hi) -> {
            float[] in = Host.floatScratch(Host.Work.DEPTHWISE_IN, inPlane);
            float[] g = Host.floatScratch(Host.Work.DEPTHWISE_OUT, outPlane);
            double[] sums = new double[taps];
            for (int ch = lo; ch < hi; ch++) {
                java.util.Arrays.fill(sums, 0);
                for (int s = 0; s < n; s++) {
                    int plane = s * c + ch;
                    xv.get(plane * inPlane, in, 0, inPlane);
                    gv.get(plane * outPlane, g, 0, outPlane);
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int dx = j * p.dw() - p.pw();
                            int ox0 = firstInside(dx, p.sw());
                            int ox1 = endInside(dx, p.sw(), wd, outW);
                            float dot = 0;
                            for (int oy = 0; oy < outH; oy++) {
                                int iy = oy * p.sh() + i * p.dh() - p.ph();
                                if (iy < 0 || iy >= h || ox0 >= ox1) {
                                    continue;
                                }
                                int row = iy * wd + dx;
                                int o = oy * outW;
                                float rowDot = 0;
                                for (int ox = ox0; ox < ox1; ox++) {
                                    rowDot += g[o + ox] * in[row + ox * p.sw()];
                                }
                                dot += rowDot;
                            }
                            sums[i * (int) kw + j] += dot;
                        }
                    }
                }
                for (int t = 0; t < taps; t++) {
                    gw[ch * taps + t] = (float) sums[t];
                }
            }
        });
        return Host.arrayFrom(gw, new long[] {c, 1, kh, kw});
    }

    /** The first output column {@code o >= 0} whose input column {@code o * s + dx} is at least 0. */
    private static int firstInside(int dx, int s) {
        return dx >= 0 ? 0 : (-dx + s - 1) / s;
    }

    /** One past the last output column {@code o < outCols} whose input column {@code o * s + dx} is below {@code inCols}. */
    private static int endInside(int dx, int s, int inCols, int outCols) {
        int limit = inCols - 1 - dx; // o * s <= limit
        return limit < 0 ? 0 : Math.min(outCols, limit / s + 1);
    }
}
