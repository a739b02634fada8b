package dev.adjoint.ops.conv;

import dev.adjoint.ops.Host;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * im2col and col2im in plain Java loops, with the column matrix laid out as
 * {@code [C * kh * kw, N * oh * ow]} so that one gemm with the weight matrix computes a whole
 * convolution.
 *
 * <p>Why not ND4J's own im2col: writing through the strided view this layout needs cost ~14 ms per
 * LeNet layer here, while a gather through a precomputed index map costs ~1 ms
 * (docs/PERFORMANCE.md). The map says, for one sample, which input element lands in each column
 * slot ({@code -1} for padding); it depends only on the geometry, so it is computed once and cached.
 */
final class Columns {
    private static final int CACHE = 32;
    private static final Map<String, int[]> MAPS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, int[]> e) {
            return size() > CACHE;
        }
    };
    /** Reused column buffers, per thread, by dtype and size: they never escape a kernel call. */
    private static final ThreadLocal<Map<String, INDArray>> SCRATCH = ThreadLocal.withInitial(() -> new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, INDArray> e) {
            return size() > 8;
        }
    });

    private Columns() {
    }

    /**
     * For one sample {@code [C, H, W]}: entry {@code (c*kh*kw + ky*kw + kx) * oh*ow + oy*ow + ox}
     * holds the flat index of {@code x[c, oy*sh - ph + ky*dh, ox*sw - pw + kx*dw]}, or -1 outside.
     */
    static int[] map(long c, long h, long w, long kh, long kw, long oh, long ow, ConvKernels.Params p) {
        String key = c + "," + h + "," + w + "," + kh + "," + kw + "," + oh + "," + ow + "," + p;
        synchronized (MAPS) {
            int[] m = MAPS.get(key);
            if (m != null) {
                return m;
            }
        }
        int ohw = (int) (oh * ow);
        int[] m = new int[(int) (c * kh * kw) * ohw];
        int r = 0;
        for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, r++) {
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * p.sh() - p.ph() + ky * p.dh();
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * p.sw() - p.pw() + kx * p.dw();
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            m[r * ohw + oy * (int) ow + ox] = inside ? (int) ((ci * h + iy) * w + ix) : -1;
                        }
                    }
                }
            }
        }
        synchronized (MAPS) {
            MAPS.put(key, m);
        }
        return m;
    }

    /**
     * The map of {@link #map} cut into runs, per column row: each run is a stretch of consecutive
     * input indices (or of padding) that one {@code System.arraycopy} (or fill) can move. For stride
     * 1 a run is most of an output row, so a gather becomes a handful of block copies instead of
     * one lookup per element.
     */
    record Runs(int[] rowStart, int[] dst, int[] src, int[] len) {
        /** Worth using when runs are on average at least 4 elements long (stride 2 gives runs of 1). */
        boolean worthIt(int entries) {
            return len.length * 4 <= entries;
        }
    }

    private static final Map<int[], Runs> RUNS = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** Runs of a map with {@code rows} rows of {@code rowLength} entries (cached per map). */
    static Runs runs(int[] map, int rows, int rowLength) {
        Runs cached = RUNS.get(map);
        if (cached != null) {
            return cached;
        }
        int[] rowStart = new int[rows + 1];
        java.util.List<int[]> all = new java.util.ArrayList<>();
        for (int r = 0; r < rows; r++) {
            rowStart[r] = all.size();
            int q = 0;
            while (q < rowLength) {
                int first = map[r * rowLength + q];
                int n = 1;
                while (q + n < rowLength) {
                    int next = map[r * rowLength + q + n];
                    if (first < 0 ? next >= 0 : next != first + n) {
                        break;
                    }
                    n++;
                }
                all.add(new int[] {q, first < 0 ? -1 : first, n});
                q += n;
            }
        }
        rowStart[rows] = all.size();
        int[] dst = new int[all.size()];
        int[] src = new int[all.size()];
        int[] len = new int[all.size()];
        for (int i = 0; i < dst.length; i++) {
            dst[i] = all.get(i)[0];
            src[i] = all.get(i)[1];
            len[i] = all.get(i)[2];
        }
        Runs runs = new Runs(rowStart, dst, src, len);
        RUNS.put(map, runs);
        return runs;
    }

    private static final Map<int[], int[]> TRANSPOSED = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** The map with rows and columns swapped ({@code [oh*ow, rows]}), for gathering the column matrix transposed (cached per map). */
    static int[] transposed(int[] map, int rows, int rowLength) {
        int[] t = TRANSPOSED.get(map);
        if (t == null) {
            t = new int[map.length];
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < rowLength; q++) {
                    t[q * rows + r] = map[r * rowLength + q];
                }
            }
            TRANSPOSED.put(map, t);
        }
        return t;
    }

    /** A scratch array of the given shape, reused by later calls on this thread; callers overwrite all of it. */
    static INDArray scratch(DataType type, long rows, long cols) {
        String key = type + ":" + rows + "x" + cols;
        return SCRATCH.get().computeIfAbsent(key, k -> Nd4j.create(type, rows, cols));
    }

    /** The column matrix {@code [C*kh*kw, N*oh*ow]} of x {@code [N, C, H, W]} (a scratch array: use before the next call). */
    static INDArray im2col(INDArray x, long kh, long kw, long oh, long ow, ConvKernels.Params p) {
        long n = x.size(0);
        long c = x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        int[] m = map(c, h, w, kh, kw, oh, ow, p);
        int rows = (int) (c * kh * kw);
        int ohw = (int) (oh * ow);
        int chw = (int) (c * h * w);
        int cols = (int) n * ohw;
        INDArray col = scratch(x.dataType(), rows, cols);
        if (x.dataType() == DataType.DOUBLE) {
            double[] src = Host.doublesInto(x, Host.doubleScratch("im2col.src", (int) x.length()));
            double[] dst = Host.doubleScratch("im2col.dst", rows * cols);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < n; b++) {
                    int from = b * chw;
                    int to = r * cols + b * ohw;
                    for (int q = 0; q < ohw; q++) {
                        int s = m[r * ohw + q];
                        dst[to + q] = s >= 0 ? src[from + s] : 0;
                    }
                }
            }
            col.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().put(dst, 0, rows * cols);
        } else {
            float[] src = Host.floatsInto(x, Host.floatScratch("im2col.src", (int) x.length()));
            float[] dst = Host.floatScratch("im2col.dst", rows * cols);
            Runs runs = runs(m, rows, ohw);
            boolean blocks = runs.worthIt(m.length);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < n; b++) {
                    int from = b * chw;
                    int to = r * cols + b * ohw;
                    if (blocks) { // stride 1: most of an output row is one block copy
                        for (int i = runs.rowStart()[r]; i < runs.rowStart()[r + 1]; i++) {
                            if (runs.src()[i] < 0) {
                                java.util.Arrays.fill(dst, to + runs.dst()[i], to + runs.dst()[i] + runs.len()[i], 0f);
                            } else {
                                System.arraycopy(src, from + runs.src()[i], dst, to + runs.dst()[i], runs.len()[i]);
                            }
                        }
                        continue;
                    }
                    for (int q = 0; q < ohw; q++) {
                        int s = m[r * ohw + q];
                        dst[to + q] = s >= 0 ? src[from + s] : 0f;
                    }
                }
            }
            col.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(dst, 0, rows * cols);
        }
        return col;
    }

    /** The adjoint of {@link #im2col}: adds every column entry back into a new image {@code [N, C, H, W]}. */
    static INDArray col2im(INDArray col, long n, long c, long h, long w, long kh, long kw, long oh, long ow, ConvKernels.Params p) {
        int[] m = map(c, h, w, kh, kw, oh, ow, p);
        int rows = (int) (c * kh * kw);
        int ohw = (int) (oh * ow);
        int chw = (int) (c * h * w);
        int cols = (int) n * ohw;
        long[] shape = {n, c, h, w};
        int size = (int) n * chw;
        if (col.dataType() == DataType.DOUBLE) {
            double[] src = Host.doublesInto(col, Host.doubleScratch("col2im.src", rows * cols));
            double[] dst = Host.doubleScratch("col2im.dst", size);
            java.util.Arrays.fill(dst, 0, size, 0);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < n; b++) {
                    int to = b * chw;
                    int from = r * cols + b * ohw;
                    for (int q = 0; q < ohw; q++) {
                        int s = m[r * ohw + q];
                        if (s >= 0) {
                            dst[to + s] += src[from + q];
                        }
                    }
                }
            }
            return Host.arrayFrom(dst, shape);
        } else {
            float[] src = Host.floatsInto(col, Host.floatScratch("col2im.src", rows * cols));
            float[] dst = Host.floatScratch("col2im.dst", size);
            java.util.Arrays.fill(dst, 0, size, 0f);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < n; b++) {
                    int to = b * chw;
                    int from = r * cols + b * ohw;
                    for (int q = 0; q < ohw; q++) {
                        int s = m[r * ohw + q];
                        if (s >= 0) {
                            dst[to + s] += src[from + q];
                        }
                    }
                }
            }
            return Host.arrayFrom(dst, shape);
        }
    }

}
