package dev.adjoint.kernels.cpu;

import dev.adjoint.kernels.ConvParams;
import dev.adjoint.memory.Memory;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The conv family for float32, one sample at a time, the batch split between threads ({@link Parallel}):
 * im2col of one sample in Java, one sgemm on it ({@link Blas}, OpenBLAS on ND4J's memory), col2im
 * of one sample. The same arithmetic as the batched path in {@link BatchedConv}, with the same
 * index maps ({@link Columns}); a test checks the two agree.
 *
 * <p>Why per sample: the batched column matrix of a layer is megabytes (LeNet's first layer 5 MB,
 * a 64-channel 32x32 layer 19 MB), written once, read by the gemm from main memory, and its result
 * {@code [O, N*pixels]} needs a layout swap into {@code [N, O, H, W]}. One sample's column matrix
 * stays in the L2 cache, the gemm writes its result straight into the sample's place in the output
 * or reads the sample's output gradient where it lies, and threads split the batch
 * (docs/PERFORMANCE.md). Float64 and grouped convolutions keep the batched path.
 */
final class SampleKernels {
    /**
     * The most samples in one chunk of the parallel loops. Smaller chunks share the batch out more
     * evenly among threads; each chunk pays a fixed setup (a hand-over, and for the weight gradient
     * one more partial sum to add).
     */
    static final int MAX_SAMPLES_PER_CHUNK = 4;

    /**
     * Chunks a batch is cut into where it is large enough: enough for 64 cores at batch 128 and
     * over, so a many-core machine is not left with a core per four samples. The chunk layout, and
     * with it every sum's order, depends on the batch size only, never on the number of threads.
     */
    static final int TARGET_CHUNKS = 64;

    /** Samples per chunk for a batch of {@code n}: 1 to {@link #MAX_SAMPLES_PER_CHUNK}, aiming at {@link #TARGET_CHUNKS} chunks. */
    static int samplesPerChunk(int n) {
        return Math.max(1, Math.min(MAX_SAMPLES_PER_CHUNK, n / TARGET_CHUNKS));
    }

    /**
     * The fewest output pixels a weight gradient's chunk sums over. Each chunk writes a partial sum
     * as large as the gradient ({@code k*O} values) for {@link #sumChunks} to read back, while its
     * products do one multiply-add per value and pixel. Below this many pixels that memory traffic
     * is a sixth or more of the time (64 channels at 8x8 in chunks of two samples: 9.4 MB of partial
     * sums at batch 128; chunks of eight took 11-13% less time), so small images take larger chunks.
     * The trade: fewer chunks than {@link #TARGET_CHUNKS}, so fewer cores share such a layer.
     */
    static final int MIN_WEIGHT_GRAD_PIXELS_PER_CHUNK = 512;

    /** Samples per chunk of a weight gradient over {@code n} samples of {@code pix} output pixels: {@link #samplesPerChunk}, more for small images. */
    static int weightGradSamplesPerChunk(int n, int pix) {
        int forPartials = (MIN_WEIGHT_GRAD_PIXELS_PER_CHUNK + Math.max(1, pix) - 1) / Math.max(1, pix);
        return Math.max(samplesPerChunk(n), Math.min(Math.max(1, n), forPartials));
    }

    private SampleKernels() {
    }

    /** {@code y[at + oc * pix + q] = bias[oc]} for every channel oc and pixel q of one sample. */
    static void fillChannels(FloatBuffer y, int at, float[] bias, int pix) {
        for (int oc = 0; oc < bias.length; oc++) {
            int base = at + oc * pix;
            for (int q = 0; q < pix; q++) {
                y.put(base + q, bias[oc]);
            }
        }
    }

    /** Whether a convolution of x should take this path: float32, no groups. */
    static boolean suits(INDArray x, ConvParams p) {
        return x.dataType() == DataType.FLOAT && p.groups() == 1;
    }


    /** As {@link BatchedConv#conv2d}: per sample, {@code y[s] = W [O, C*kh*kw] x col(x[s]) [C*kh*kw, oh*ow]}. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int chw = (int) (x.length() / Math.max(1, n));
        int o = (int) w.size(0);
        int k = (int) (w.length() / o);
        int pix = (int) (oh * ow);
        int[] map = Columns.map(c, x.size(2), x.size(3), w.size(2), w.size(3), oh, ow, p);
        Columns.Runs runs = Columns.runsIfWorthIt(map, k, pix);
        INDArray xd = Host.dense(x);
        INDArray wd = Host.dense(w);
        FloatPointer wp = Blas.pointer(wd);
        INDArray y = Memory.allocate(DataType.FLOAT, n, o, oh, ow);
        FloatPointer yp = Blas.pointer(y);
        float[] bias = b == null ? null : Host.floats(b);
        // one view each for all chunks: they only use absolute gets and puts, which keep no state
        FloatBuffer xv = Host.floatView(xd);
        FloatBuffer yv = Host.floatView(y);
        Parallel.forEach(n, samplesPerChunk(n), (chunk, from, to) -> {
            Column col = Column.forGather(k, pix, map);
            for (int s = from; s < to; s++) {
                col.gather(xv, s * chw, chw, map, runs);
                if (bias != null) {
                    fillChannels(yv, s * o * pix, bias, pix); // the gemm adds onto the bias (beta 1)
                }
                Blas.sgemm(false, false, o, pix, k, 1f, wp, 0, k, col.nat, 0, pix, bias == null ? 0f : 1f, yp, (long) s * o * pix, pix);
            }
        });
        Host.keepUntilHere(xd, wd); // the loops used only raw pointers into them
        return y;
    }

    /**
     * Whether {@link #convTranspose2dAsConv} takes this transposed convolution: float32, no groups,
     * stride 1, no output padding, and padding between half and all of the dilated kernel's reach in
     * each direction. Then the output is no larger than the input, and the im2col product of the
     * equivalent convolution does no more arithmetic than col2im's (with "valid" padding, p = 0,
     * it would do up to {@code (h+k-1)^2/h^2} times as much).
     */
    static boolean suitsTransposeAsConv(INDArray x, INDArray w, ConvParams p) {
        if (!suits(x, p) || p.sh() != 1 || p.sw() != 1 || p.oph() != 0 || p.opw() != 0) {
            return false;
        }
        long reachH = (long) p.dh() * (w.size(2) - 1);
        long reachW = (long) p.dw() * (w.size(3) - 1);
        return 2L * p.ph() >= reachH && p.ph() <= reachH && 2L * p.pw() >= reachW && p.pw() <= reachW;
    }

    /**
     * A stride-1 transposed convolution as the convolution it equals: of x with the flipped,
     * transposed kernel {@code w'[o, c, ky, kx] = w[c, o, kh-1-ky, kw-1-kx]} and padding
     * {@code d*(k-1) - p} ({@link #suitsTransposeAsConv}). im2col's gather and one product per
     * sample cost less than the product and col2im's scatter-add (64 channels at 8x8: 3.4-4.3 against
     * 4.5 ms with AVX-512 kernels, 4.9-5.8 against 6.1 with AVX2 ones, batch 128).
     */
    static INDArray convTranspose2dAsConv(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p) {
        int cin = (int) w.size(0);
        int o = (int) w.size(1);
        int kh = (int) w.size(2);
        int kw = (int) w.size(3);
        int taps = kh * kw;
        float[] from = Host.floatsScratch(Host.Work.KERNEL_IN, w);
        float[] flipped = Host.floatScratch(Host.Work.KERNEL_OUT, (int) w.length());
        for (int ic = 0; ic < cin; ic++) {
            for (int oc = 0; oc < o; oc++) {
                for (int t = 0; t < taps; t++) {
                    flipped[(oc * cin + ic) * taps + t] = from[(ic * o + oc) * taps + (taps - 1 - t)];
                }
            }
        }
        INDArray wConv = Host.arrayFrom(flipped, new long[] {o, cin, kh, kw});
        ConvParams asConv = new ConvParams(1, 1, p.dh() * (kh - 1) - p.ph(), p.dw() * (kw - 1) - p.pw(), p.dh(), p.dw(), 0, 0, 1);
        INDArray y = conv2d(x, wConv, b, outH, outW, asConv);
        Memory.release(wConv); // scratch: nothing else refers to it
        return y;
    }

    /**
     * As {@link BatchedConv#convTranspose2d}: per sample, {@code col = W^T [O*kh*kw, Cin] x x[s] [Cin, h*w]},
     * then col2im adds the patches into the sample's output.
     */
    static INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p) {
        int n = (int) x.size(0);
        int cin = (int) x.size(1);
        int o = (int) w.size(1);
        int k = (int) (w.length() / cin); // O * kh * kw
        int pix = (int) (x.size(2) * x.size(3));
        int outPix = (int) (outH * outW);
        int[] map = Columns.map(o, outH, outW, w.size(2), w.size(3), x.size(2), x.size(3), p);
        Columns.Runs runs = Columns.runsIfWorthIt(map, k, pix);
        INDArray xd = Host.dense(x);
        INDArray wd = Host.dense(w);
        FloatPointer xp = Blas.pointer(xd);
        FloatPointer wp = Blas.pointer(wd);
        INDArray y = Memory.allocate(DataType.FLOAT, n, o, outH, outW);
        int yhw = o * outPix;
        float[] bias = b == null ? null : Host.floats(b);
        FloatBuffer yv = Host.floatView(y); // shared by the chunks: absolute puts only
        Parallel.forEach(n, samplesPerChunk(n), (chunk, from, to) -> {
            Column col = Column.forGemmOutput(k, pix);
            float[] image = col.image(yhw);
            for (int s = from; s < to; s++) {
                Blas.sgemm(true, false, k, pix, cin, 1f, wp, 0, k, xp, (long) s * cin * pix, pix, 0f, col.nat, 0, pix);
                col.download();
                for (int oc = 0; oc < o; oc++) {
                    Arrays.fill(image, oc * outPix, (oc + 1) * outPix, bias == null ? 0f : bias[oc]); // patches are added onto the bias
                }
                for (int r = 0; r < k; r++) {
                    Columns.scatterAddRow(col.host, r * pix, map, runs, r, image, 0, pix);
                }
                yv.put(s * yhw, image, 0, yhw);
            }
        });
        Host.keepUntilHere(xd, wd);
        return y;
    }

    /**
     * As {@link BatchedConv#convWeightGrad}: {@code gw [O, C*kh*kw] = sum_s gy[s] [O, pixels] x col(x[s])^T},
     * computed transposed, {@code gw^T [C*kh*kw, O] = sum_s col(x[s]) x gy[s]^T}, then turned once: the
     * product with the long output dimension first runs OpenBLAS's kernels 1.3-2x faster for the
     * 16-64 channel layers of small CNNs (docs/PERFORMANCE.md). Each chunk of samples sums into its
     * own buffer, and the buffers are added in chunk order, so the result does not depend on how
     * many threads ran.
     */
    static INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, ConvParams p) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int o = (int) gy.size(1);
        INDArray gw = Memory.allocate(DataType.FLOAT, o, c, kh, kw);
        if (n == 0) {
            return gw.assign(0);
        }
        int chw = (int) (x.length() / n);
        int pix = (int) (gy.size(2) * gy.size(3));
        int k = (int) (c * kh * kw);
        int[] map = Columns.map(c, x.size(2), x.size(3), kh, kw, gy.size(2), gy.size(3), p);
        Columns.Runs runs = Columns.runsIfWorthIt(map, k, pix);
        INDArray xd = Host.dense(x);
        INDArray gyd = Host.dense(gy);
        FloatPointer gyp = Blas.pointer(gyd);
        int perChunk = weightGradSamplesPerChunk(n, pix);
        int chunks = Parallel.chunks(n, perChunk);
        // chunk c sums gw^T into row c of the partial sums
        INDArray partialSums = Memory.allocate(DataType.FLOAT, chunks, (long) k * o);
        FloatPointer partials = Blas.pointer(partialSums);
        FloatBuffer xv = Host.floatView(xd); // shared by the chunks: absolute gets only
        Parallel.forEach(n, perChunk, (chunk, from, to) -> {
            Column col = Column.forGather(k, pix, map);
            long at = (long) chunk * k * o;
            for (int s = from; s < to; s++) {
                col.gather(xv, s * chw, chw, map, runs);
                Blas.sgemm(false, true, k, o, pix, 1f, col.nat, 0, pix, gyp, (long) s * o * pix, pix, s == from ? 0f : 1f, partials, at, o);
            }
        });
        Host.keepUntilHere(xd, gyd);
        sumChunks(partialSums, chunks, k, o, gw, inOrder(k));
        return gw;
    }

    /**
     * Values of the weight gradient one task of {@link #sumChunks} adds up over all chunks: enough
     * to be worth a hand-over, small enough that a layer's gradient splits over many cores.
     */
    static final int SUM_VALUES_PER_TASK = 1 << 12;

    /**
     * Adds the chunks' partial sums (row c of {@code partialSums} is chunk c's) in chunk order and
     * writes the total into gw {@code [O, k]}: as it is when {@code columnOf} is null, else from partial
     * sums of {@code gw^T}, whose row i holds gw's column {@code columnOf[i]} ({@link #inOrder} when
     * they are gw^T as it is). The values are split between threads, each adding its slice of every
     * chunk in chunk order, so every value is the same sum whatever the number of threads (one
     * thread adding whole chunks would leave the other cores idle for a fixed share of every weight
     * gradient, a larger one the more cores there are). Gives the partial sums back to the pool
     * (scratch: nothing else refers to them).
     */
    static void sumChunks(INDArray partialSums, int chunks, int k, int o, INDArray gw, int[] columnOf) {
        FloatBuffer sums = Host.floatView(partialSums);
        int values = k * o;
        float[] total = Host.floatScratch(Host.Work.SUM_CHUNKS_TOTAL, values); // gw in gw's order: the tasks write disjoint places
        boolean turned = columnOf != null;
        int rowsPerTask = turned ? Math.max(1, SUM_VALUES_PER_TASK / o) : SUM_VALUES_PER_TASK;
        Parallel.forEach(turned ? k : values, rowsPerTask, (task, lo, hi) -> {
            int from = turned ? lo * o : lo;
            int len = turned ? (hi - lo) * o : hi - lo;
            float[] acc = Host.floatScratch(Host.Work.SUM_CHUNKS_ACC, len);
            float[] part = Host.floatScratch(Host.Work.SUM_CHUNKS_PART, len);
            sums.get(from, acc, 0, len);
            for (int c = 1; c < chunks; c++) {
                sums.get(c * values + from, part, 0, len);
                for (int j = 0; j < len; j++) {
                    acc[j] += part[j];
                }
            }
            if (!turned) {
                System.arraycopy(acc, 0, total, from, len);
            } else {
                for (int row = lo; row < hi; row++) { // gw[oc, r] = gw^T[row, oc] with r = columnOf[row]
                    int r = columnOf[row];
                    for (int oc = 0, at = (row - lo) * o; oc < o; oc++) {
                        total[oc * k + r] = acc[at + oc];
                    }
                }
            }
        });
        Host.floatView(gw).put(0, total, 0, values);
        Memory.release(partialSums);
    }

    /** {@code 0, 1, ..., k-1}: gw^T's rows holding gw's columns in order, for {@link #sumChunks}. */
    static int[] inOrder(int k) {
        int[] rows = new int[k];
        for (int r = 0; r < k; r++) {
            rows[r] = r;
        }
        return rows;
    }

    /**
     * One thread's column matrix of one sample, {@code [rows, pixels]}: on the Java heap for the
     * gather and scatter loops, and in native memory for the gemm. Reused by every call on the thread.
     */
    private static final class Column {
        private static final ThreadLocal<Column> MINE = new ThreadLocal<>();
        final float[] host;
        final FloatPointer nat;
        final FloatBuffer view;
        private float[] image = new float[0];
        /** The ND4J array behind {@link #nat}: held so that its memory lives as long as the pointer. */
        private final INDArray keep;
        int rows;
        int pix;
        /** The map whose padding slots are zero in {@link #host} (compared by identity: maps are cached per geometry), or null. */
        private int[] cleanFor;

        private Column(int capacity) {
            host = new float[capacity];
            INDArray memory = Nd4j.create(DataType.FLOAT, capacity); // not from the pool: a thread keeps it across calls
            nat = Blas.pointer(memory);
            view = Host.floatView(memory);
            keep = memory;
        }

        /**
         * The thread's column buffer for gathers through {@code map}: its padding slots must be zero,
         * since a gather skips them. They are zeroed only when the buffer last served another map or
         * a gemm's output (which writes every slot).
         */
        static Column forGather(int rows, int pix, int[] map) {
            Column c = sized(rows, pix);
            if (c.cleanFor != map) {
                Arrays.fill(c.host, 0, rows * pix, 0f);
                c.cleanFor = map;
            }
            return c;
        }

        /** The thread's column buffer as a gemm's output (every slot written, so nothing to clear). */
        static Column forGemmOutput(int rows, int pix) {
            Column c = sized(rows, pix);
            c.cleanFor = null;
            return c;
        }

        private static Column sized(int rows, int pix) {
            Column c = MINE.get();
            if (c == null || c.host.length < rows * pix) {
                c = new Column(Math.max(1, rows * pix));
                MINE.set(c);
            }
            c.rows = rows;
            c.pix = pix;
            return c;
        }

        /** A per-thread array for one sample's image, at least {@code len} long. */
        float[] image(int len) {
            if (image.length < len) {
                image = new float[len];
            }
            return image;
        }

        /**
         * The column matrix of the sample at {@code base} (of {@code len} values) in x: the sample is
         * copied to the Java side (each thread its own samples), gathered, and the result copied to
         * native memory for the gemm.
         */
        void gather(FloatBuffer x, int base, int len, int[] map, Columns.Runs runs) {
            float[] sample = image(len);
            x.get(base, sample, 0, len);
            for (int r = 0; r < rows; r++) {
                Columns.gatherRow(sample, 0, map, runs, r, host, r * pix, pix, true);
            }
            view.put(0, host, 0, rows * pix);
        }

        /** The gemm's result in native memory, copied to the Java side for col2im. */
        void download() {
            view.get(0, host, 0, rows * pix);
        }
    }
}
