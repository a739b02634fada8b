package dev.adjoint.kernels.cpu;

import dev.adjoint.kernels.ConvParams;
import dev.adjoint.memory.Memory;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * im2col and col2im in plain Java loops, with the column matrix laid out as
 * {@code [C * kh * kw, N * oh * ow]} so that one gemm with the weight matrix computes a whole
 * convolution.
 *
 * <p>Why not ND4J's own im2col: writing through the strided view this layout needs was an order of
 * magnitude slower than a gather through a precomputed index map (docs/PERFORMANCE.md). The map says, for one sample, which input element lands in each column
 * slot ({@code -1} for padding); it depends only on the geometry, so it is computed once and cached.
 */
final class Columns {
    private static final int CACHE = 32;
    private static final Map<MapKey, int[]> MAPS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MapKey, int[]> e) {
            return size() > CACHE;
        }
    };
    private Columns() {
    }

    private record MapKey(long c, long h, long w, long kh, long kw, long oh, long ow, ConvParams p) {
    }

    /**
     * For one sample {@code [C, H, W]}: entry {@code (c*kh*kw + ky*kw + kx) * oh*ow + oy*ow + ox}
     * holds the flat index of {@code x[c, oy*sh - ph + ky*dh, ox*sw - pw + kx*dw]}, or -1 outside.
     */
    static int[] map(long c, long h, long w, long kh, long kw, long oh, long ow, ConvParams p) {
        MapKey key = new MapKey(c, h, w, kh, kw, oh, ow, p); // a record, not a string: this runs on every conv call
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
     *
     * <p>The gather copies along longer stretches still ({@code copyStart}, {@code copyDst},
     * {@code copySrc}, {@code copyLen}): runs of one row that keep the same distance between input
     * and column index (a "same" convolution, where output and input rows are equally long) are one
     * copy across the padding slots between them, and those slots ({@code zeroStart},
     * {@code zeroSlot}) are zeroed again after it. A 3x3 kernel with padding 1 then moves each
     * column row in one copy and a few stores instead of one copy per output row: at 8x8 the runs
     * are 7-8 values long, and a copy's fixed cost was most of the gather (docs/PERFORMANCE.md).
     */
    record Runs(int[] rowStart, int[] dst, int[] src, int[] len,
            int[] copyStart, int[] copyDst, int[] copySrc, int[] copyLen, int[] zeroStart, int[] zeroSlot) {
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
        int[] dst = element(all, 0);
        int[] src = element(all, 1);
        int[] len = element(all, 2);
        // the longer copies: a row's input runs merged while the distance between column and input index holds
        int[] copyStart = new int[rows + 1];
        int[] zeroStart = new int[rows + 1];
        java.util.List<int[]> copies = new java.util.ArrayList<>();
        java.util.List<Integer> zeros = new java.util.ArrayList<>();
        for (int r = 0; r < rows; r++) {
            copyStart[r] = copies.size();
            zeroStart[r] = zeros.size();
            int[] open = null; // {dst, src, len} of the copy being extended
            for (int i = rowStart[r]; i < rowStart[r + 1]; i++) {
                if (src[i] < 0) {
                    continue; // padding: zero already, or one of the slots re-zeroed below
                }
                if (open != null && dst[i] - src[i] == open[0] - open[1]) {
                    for (int q = open[0] + open[2]; q < dst[i]; q++) {
                        zeros.add(q); // only padding lies between two input runs of a row
                    }
                    open[2] = dst[i] + len[i] - open[0];
                } else {
                    if (open != null) {
                        copies.add(open);
                    }
                    open = new int[] {dst[i], src[i], len[i]};
                }
            }
            if (open != null) {
                copies.add(open);
            }
        }
        copyStart[rows] = copies.size();
        zeroStart[rows] = zeros.size();
        int[] zeroSlot = zeros.stream().mapToInt(Integer::intValue).toArray();
        Runs runs = new Runs(rowStart, dst, src, len, copyStart, element(copies, 0), element(copies, 1), element(copies, 2), zeroStart, zeroSlot);
        RUNS.put(map, runs);
        return runs;
    }

    /** Element {@code k} of every {dst, src, len} triple, as one array. */
    private static int[] element(java.util.List<int[]> triples, int k) {
        int[] out = new int[triples.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = triples.get(i)[k];
        }
        return out;
    }

    /** The column matrix {@code [C*kh*kw, N*oh*ow]} of x {@code [N, C, H, W]}, from the pool: the caller releases it after use. */
    static INDArray im2col(INDArray x, long kh, long kw, long oh, long ow, ConvParams p) {
        long n = x.size(0);
        long c = x.size(1);
        int[] m = map(c, x.size(2), x.size(3), kh, kw, oh, ow, p);
        int rows = (int) (c * kh * kw);
        int ohw = (int) (oh * ow);
        int chw = (int) (x.length() / n);
        int cols = (int) n * ohw;
        boolean f64 = x.dataType() == DataType.DOUBLE;
        Object src = f64 ? Host.doublesInto(x, Host.doubleScratch(Host.Work.IM2COL_SRC, (int) x.length()))
                : Host.floatsScratch(Host.Work.IM2COL_SRC, x);
        // row by row through one row-sized work array: a thread keeps no batch-sized copy of the columns
        Object row = f64 ? Host.doubleScratch(Host.Work.IM2COL_ROW, cols) : Host.floatScratch(Host.Work.IM2COL_ROW, cols);
        Runs runs = runsIfWorthIt(m, rows, ohw);
        INDArray col = Memory.allocate(x.dataType(), rows, cols);
        java.nio.ByteBuffer bytes = col.data().asNio().order(ByteOrder.nativeOrder());
        java.nio.DoubleBuffer doubles = f64 ? bytes.asDoubleBuffer() : null;
        java.nio.FloatBuffer floats = f64 ? null : bytes.asFloatBuffer();
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < n; b++) {
                gatherRow(src, b * chw, m, runs, r, row, b * ohw, ohw, false);
            }
            if (f64) {
                doubles.put(r * cols, (double[]) row, 0, cols);
            } else {
                floats.put(r * cols, (float[]) row, 0, cols);
            }
        }
        return col;
    }

    /** The adjoint of {@link #im2col}: adds every column entry back into a new image {@code [N, C, H, W]}. */
    static INDArray col2im(INDArray col, long n, long c, long h, long w, long kh, long kw, long oh, long ow, ConvParams p) {
        int[] m = map(c, h, w, kh, kw, oh, ow, p);
        int rows = (int) (c * kh * kw);
        int ohw = (int) (oh * ow);
        int chw = (int) (c * h * w);
        int cols = (int) n * ohw;
        int size = (int) n * chw;
        boolean f64 = col.dataType() == DataType.DOUBLE;
        Object src = f64 ? Host.doublesInto(col, Host.doubleScratch(Host.Work.COL2IM_SRC, rows * cols))
                : Host.floatsInto(col, Host.floatScratch(Host.Work.COL2IM_SRC, rows * cols));
        Object dst = f64 ? Host.doubleScratch(Host.Work.COL2IM_DST, size) : Host.floatScratch(Host.Work.COL2IM_DST, size);
        zero(dst, 0, size);
        Runs runs = runsIfWorthIt(m, rows, ohw);
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < n; b++) {
                scatterAddRow(src, r * cols + b * ohw, m, runs, r, dst, b * chw, ohw);
            }
        }
        long[] shape = {n, c, h, w};
        return f64 ? Host.arrayFrom((double[]) dst, shape) : Host.arrayFrom((float[]) dst, shape);
    }

    /** The runs of a map when block copies beat per-element lookups for it (stride 1), else null. */
    static Runs runsIfWorthIt(int[] map, int rows, int rowLength) {
        Runs runs = runs(map, rows, rowLength);
        return runs.worthIt(map.length) ? runs : null;
    }

    /**
     * Column row r of one sample: {@code dst[to + q] = x[base + map[r*len + q]]}, 0 where the map
     * says padding; along the runs (block copies) when given. x and dst are both float[] or both
     * double[]; the im2col here and the per-sample kernels share this.
     *
     * <p>{@code paddingZeroed}: the caller zeroed dst's padding slots already (they are the same
     * for every sample, so a kernel zeroes its column buffer once per call), and the copies skip
     * them or zero again the few they cross ({@link Runs}), leaving them zero for the next sample.
     * With a padded 5x5 kernel most padding runs are one or two elements long, and a fill call per
     * run took as long as the copies (JFR, LeNet's first layer).
     */
    static void gatherRow(Object x, int base, int[] map, Runs runs, int r, Object dst, int to, int len, boolean paddingZeroed) {
        if (runs != null && x instanceof float[] xf) {
            gatherRuns(xf, base, runs, r, (float[]) dst, to, paddingZeroed);
        } else if (runs != null) {
            for (int i = runs.rowStart()[r]; i < runs.rowStart()[r + 1]; i++) {
                int at = to + runs.dst()[i];
                if (runs.src()[i] < 0) {
                    if (!paddingZeroed) {
                        zero(dst, at, at + runs.len()[i]);
                    }
                } else {
                    System.arraycopy(x, base + runs.src()[i], dst, at, runs.len()[i]);
                }
            }
        } else if (x instanceof float[] xf) {
            float[] d = (float[]) dst;
            for (int q = 0; q < len; q++) {
                int s = map[r * len + q];
                d[to + q] = s >= 0 ? xf[base + s] : 0f;
            }
        } else {
            double[] xd = (double[]) x;
            double[] d = (double[]) dst;
            for (int q = 0; q < len; q++) {
                int s = map[r * len + q];
                d[to + q] = s >= 0 ? xd[base + s] : 0;
            }
        }
    }

    /**
     * The adjoint of {@link #gatherRow}: {@code dst[base + map[r*len + q]] += col[from + q]} where
     * the map is not padding; along the runs when given.
     */
    static void scatterAddRow(Object col, int from, int[] map, Runs runs, int r, Object dst, int base, int len) {
        if (runs != null && col instanceof float[] cf) {
            scatterAddRuns(cf, from, runs, r, (float[]) dst, base);
        } else if (runs != null) {
            for (int i = runs.rowStart()[r]; i < runs.rowStart()[r + 1]; i++) {
                if (runs.src()[i] >= 0) {
                    addBlock(col, from + runs.dst()[i], dst, base + runs.src()[i], runs.len()[i]);
                }
            }
        } else if (col instanceof float[] cf) {
            float[] d = (float[]) dst;
            for (int q = 0; q < len; q++) {
                int s = map[r * len + q];
                if (s >= 0) {
                    d[base + s] += cf[from + q];
                }
            }
        } else {
            double[] cd = (double[]) col;
            double[] d = (double[]) dst;
            for (int q = 0; q < len; q++) {
                int s = map[r * len + q];
                if (s >= 0) {
                    d[base + s] += cd[from + q];
                }
            }
        }
    }

    /**
     * {@link #gatherRow} along runs for float32, with the arrays' types known to the compiler: the
     * copies of a LeNet-sized layer are ten to thirty elements long, and {@code System.arraycopy}
     * on {@code Object}s checks the types on every call, which cost a third of the gather.
     */
    private static void gatherRuns(float[] x, int base, Runs runs, int r, float[] dst, int to, boolean paddingZeroed) {
        if (paddingZeroed) { // the longer copies, then the padding slots they wrote over zeroed again
            int[] d = runs.copyDst();
            int[] s = runs.copySrc();
            int[] l = runs.copyLen();
            for (int i = runs.copyStart()[r], end = runs.copyStart()[r + 1]; i < end; i++) {
                System.arraycopy(x, base + s[i], dst, to + d[i], l[i]);
            }
            int[] z = runs.zeroSlot();
            for (int i = runs.zeroStart()[r], end = runs.zeroStart()[r + 1]; i < end; i++) {
                dst[to + z[i]] = 0f;
            }
            return;
        }
        int[] d = runs.dst();
        int[] s = runs.src();
        int[] l = runs.len();
        for (int i = runs.rowStart()[r], end = runs.rowStart()[r + 1]; i < end; i++) {
            if (s[i] >= 0) {
                System.arraycopy(x, base + s[i], dst, to + d[i], l[i]);
            } else {
                java.util.Arrays.fill(dst, to + d[i], to + d[i] + l[i], 0f);
            }
        }
    }

    /** {@link #scatterAddRow} along runs for float32 (typed for the same reason as {@link #gatherRuns}). */
    private static void scatterAddRuns(float[] col, int from, Runs runs, int r, float[] dst, int base) {
        int[] d = runs.dst();
        int[] s = runs.src();
        int[] l = runs.len();
        for (int i = runs.rowStart()[r], end = runs.rowStart()[r + 1]; i < end; i++) {
            if (s[i] >= 0) {
                int at = from + d[i];
                int to = base + s[i];
                for (int j = 0, n = l[i]; j < n; j++) {
                    dst[to + j] += col[at + j];
                }
            }
        }
    }

    private static void addBlock(Object src, int from, Object dst, int to, int n) {
        if (src instanceof float[] sf) {
            float[] d = (float[]) dst;
            for (int j = 0; j < n; j++) {
                d[to + j] += sf[from + j];
            }
        } else {
            double[] sd = (double[]) src;
            double[] d = (double[]) dst;
            for (int j = 0; j < n; j++) {
                d[to + j] += sd[from + j];
            }
        }
    }

    private static void zero(Object a, int from, int to) {
        if (a instanceof float[] f) {
            java.util.Arrays.fill(f, from, to, 0f);
        } else {
            java.util.Arrays.fill((double[]) a, from, to, 0);
        }
    }
}
