package dev.adjoint.kernels.cpu;

import dev.adjoint.memory.IntArrays;
import dev.adjoint.memory.Memory;
import dev.adjoint.kernels.MaxPoolResult;
import dev.adjoint.kernels.PoolParams;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling and the index gather/scatter of its backward, as Java loops over bulk copies of the
 * arrays ({@link Host}): the same results as the reference kernels, without an ND4J call per window.
 */
final class Pooling {
    /**
     * Input elements per chunk of the split 2x2 pooling: large enough that a chunk's copies and
     * comparisons outweigh handing it to another thread, small enough to share LeNet-sized layers.
     */
    static final int PLANE_ELEMENTS_PER_CHUNK = 1 << 14;

    private Pooling() {
    }

    /** Window maps by plane size and window: a training loop asks for the same few every step. */
    private static final Map<PoolParams, int[]> MAPS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PoolParams, int[]> e) {
            return size() > 32;
        }
    };

    /**
     * For one {@code [H, W]} plane: entry {@code q * kh*kw + j} is the flat position of window slot j
     * of output q, or -1 where the slot falls in the padding, so the loops below neither recompute
     * nor bounds-check coordinates per element.
     */
    static int[] windowMap(PoolParams p) {
        PoolParams key = new PoolParams(1, 1, p.h(), p.w(), p.kh(), p.kw(), p.sh(), p.sw(), p.ph(), p.pw(), p.oh(), p.ow());
        synchronized (MAPS) {
            int[] m = MAPS.get(key);
            if (m != null) {
                return m;
            }
        }
        int kk = p.kh() * p.kw();
        int[] m = new int[(int) (p.oh() * p.ow()) * kk];
        int at = 0;
        for (long oy = 0; oy < p.oh(); oy++) {
            for (long ox = 0; ox < p.ow(); ox++) {
                for (int ky = 0; ky < p.kh(); ky++) {
                    for (int kx = 0; kx < p.kw(); kx++) {
                        long iy = oy * p.sh() - p.ph() + ky;
                        long ix = ox * p.sw() - p.pw() + kx;
                        m[at++] = iy >= 0 && iy < p.h() && ix >= 0 && ix < p.w() ? (int) (iy * p.w() + ix) : -1;
                    }
                }
            }
        }
        synchronized (MAPS) {
            MAPS.put(key, m);
        }
        return m;
    }

    static MaxPoolResult maxPool2d(INDArray a, PoolParams g) {
        int planes = (int) (g.n() * g.c());
        int hw = (int) (g.h() * g.w());
        int ohw = (int) (g.oh() * g.ow());
        int kk = g.kh() * g.kw();
        int[] map = windowMap(g);
        // kept by the Function until its backward, which checks it was not released, and then given back (IntArrays)
        int[] argmax = IntArrays.take(planes * ohw);
        // The window scan is written twice, for float and double: float32 is compared as float (the
        // same argmax as PyTorch, no double copy of the input); float64 keeps exact comparisons.
        if (a.dataType() == DataType.FLOAT) {
            if (g.kh() == 2 && g.kw() == 2 && g.sh() == 2 && g.sw() == 2 && g.ph() == 0 && g.pw() == 0) {
                return new MaxPoolResult(twoByTwoSplit(a, g, argmax), argmax);
            }
            float[] x = Host.floatsScratch(Host.Work.MAXPOOL_SRC, a);
            float[] y = Host.floatScratch(Host.Work.MAXPOOL_DST, argmax.length);
            for (int p = 0; p < planes; p++) {
                for (int q = 0; q < ohw; q++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int j = q * kk; j < (q + 1) * kk; j++) {
                        int m = map[j];
                        if (m < 0) {
                            continue;
                        }
                        float v = x[p * hw + m];
                        if (at < 0 || v > best || v != v) {
                            best = v;
                            at = p * hw + m;
                            if (v != v) {
                                break; // NaN wins, as in PyTorch
                            }
                        }
                    }
                    argmax[p * ohw + q] = at;
                    y[p * ohw + q] = best;
                }
            }
            return new MaxPoolResult(Host.arrayFrom(y, g.outputShape()), argmax);
        }
        double[] x = Host.doubles(a);
        double[] y = new double[argmax.length];
        for (int p = 0; p < planes; p++) {
            for (int q = 0; q < ohw; q++) {
                double best = Double.NEGATIVE_INFINITY;
                int at = -1;
                for (int j = q * kk; j < (q + 1) * kk; j++) {
                    int m = map[j];
                    if (m < 0) {
                        continue;
                    }
                    double v = x[p * hw + m];
                    if (at < 0 || v > best || v != v) {
                        best = v;
                        at = p * hw + m;
                        if (v != v) {
                            break;
                        }
                    }
                }
                argmax[p * ohw + q] = at;
                y[p * ohw + q] = best;
            }
        }
        return new MaxPoolResult(Host.arrayFrom(y, g.outputShape()), argmax);
    }

    /**
     * The 2x2, stride-2 window with the planes split between threads, each part copying its own
     * planes in and its results out (the copies cost as much as the comparisons).
     */
    private static INDArray twoByTwoSplit(INDArray a, PoolParams g, int[] argmax) {
        int planes = (int) (g.n() * g.c());
        int hw = (int) (g.h() * g.w());
        int ohw = (int) (g.oh() * g.ow());
        INDArray dense = Host.dense(a);
        INDArray out = Memory.allocate(DataType.FLOAT, g.outputShape());
        FloatBuffer src = Host.floatView(dense);
        FloatBuffer dst = Host.floatView(out);
        int perChunk = Math.max(1, PLANE_ELEMENTS_PER_CHUNK / hw);
        Parallel.forEach(planes, perChunk, (chunk, from, to) -> {
            // scratch for one chunk on the thread that runs it: a batch of 1,000 needs no batch-sized copy
            float[] x = Host.floatScratch(Host.Work.MAXPOOL_SRC, perChunk * hw);
            float[] y = Host.floatScratch(Host.Work.MAXPOOL_DST, perChunk * ohw);
            src.get(from * hw, x, 0, (to - from) * hw); // absolute: the chunks share the views
            twoByTwo(g, x, y, argmax, from, to);
            dst.put(from * ohw, y, 0, (to - from) * ohw);
        });
        Host.keepUntilHere(dense);
        return out;
    }

    /**
     * The common 2x2, stride 2 window without branches on the data: with random-looking values the
     * general loop's {@code v > best} mispredicts about every other time. Same result: the first
     * maximum in scan order, NaN wins. x and y hold planes {@code fromPlane..toPlane} from their
     * start; argmax is indexed over all planes and records positions in the whole input.
     */
    private static void twoByTwo(PoolParams g, float[] x, float[] y, int[] argmax, int fromPlane, int toPlane) {
        int h = (int) g.h();
        int w = (int) g.w();
        int oh = (int) g.oh();
        int ow = (int) g.ow();
        int inputBase = fromPlane * h * w;
        int outputBase = fromPlane * oh * ow;
        for (int p = 0; p < toPlane - fromPlane; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int row0 = p * h * w + 2 * oy * w;
                int row1 = row0 + w;
                int o = (p * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int i0 = row0 + 2 * ox;
                    int i2 = row1 + 2 * ox;
                    float a = x[i0];
                    float b = x[i0 + 1];
                    float c = x[i2];
                    float d = x[i2 + 1];
                    float m = Math.max(Math.max(a, b), Math.max(c, d)); // NaN if any is NaN
                    int at;
                    if (m != m) {
                        at = a != a ? i0 : b != b ? i0 + 1 : c != c ? i2 : i2 + 1;
                    } else {
                        // index of the first of a, b, c, d equal to m, computed without branching
                        int na = a == m ? 0 : 1;
                        int nb = b == m ? 0 : 1;
                        int nc = c == m ? 0 : 1;
                        at = (1 - na) * i0 + na * (1 - nb) * (i0 + 1) + na * nb * (1 - nc) * i2 + na * nb * nc * (i2 + 1);
                    }
                    argmax[outputBase + o + ox] = inputBase + at;
                    y[o + ox] = x[at];
                }
            }
        }
    }

    static INDArray gather(INDArray a, int[] index, long[] outShape) {
        if (a.dataType() == DataType.FLOAT) {
            float[] x = Host.floatsScratch(Host.Work.GATHER_SRC, a);
            float[] y = Host.floatScratch(Host.Work.GATHER_DST, index.length);
            for (int i = 0; i < index.length; i++) {
                y[i] = x[index[i]];
            }
            return Host.arrayFrom(y, outShape);
        }
        double[] x = Host.doubles(a);
        double[] y = new double[index.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[index[i]];
        }
        return Host.arrayFrom(y, outShape);
    }

    static INDArray scatterAdd(INDArray a, int[] index, long[] outShape) {
        int size = 1;
        for (long d : outShape) {
            size = Math.multiplyExact(size, (int) d);
        }
        if (a.dataType() == DataType.FLOAT) {
            float[] x = Host.floatsScratch(Host.Work.SCATTER_SRC, a);
            float[] y = Host.floatScratch(Host.Work.SCATTER_DST, size);
            java.util.Arrays.fill(y, 0, size, 0f);
            for (int i = 0; i < index.length; i++) {
                y[index[i]] += x[i];
            }
            return Host.arrayFrom(y, outShape);
        }
        double[] x = Host.doubles(a);
        double[] y = new double[size];
        for (int i = 0; i < x.length; i++) {
            y[index[i]] += x[i];
        }
        return Host.arrayFrom(y, outShape);
    }
}
