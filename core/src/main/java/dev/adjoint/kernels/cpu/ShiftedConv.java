package dev.adjoint.kernels.cpu;

import dev.adjoint.kernels.ConvParams;
import dev.adjoint.memory.Memory;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stride-1 convolutions as a sum of shifted matrix products, with no column matrix.
 *
 * <p>With stride 1, the input a kernel tap {@code (ky, kx)} sees is the padded input moved by
 * {@code ky*dh} rows and {@code kx*dw} columns. Lay one sample out padded, {@code [C, Hp, Wp]}, and
 * compute the output on the padded width: output place {@code oy*Wp + ox} reads
 * {@code xpad[c, oy*Wp + ox + ky*dh*Wp + kx*dw]}. For each tap, then, the matrix {@code [C, N']}
 * the weights multiply is the padded sample itself, started at the tap's offset, with rows
 * {@code Hp*Wp} apart: a strided matrix OpenBLAS reads as it lies.
 * <pre>
 *   y_wide [O, N'] = sum over taps  W_tap [O, C]  x  xpad(tap) [C, N']
 * </pre>
 * The {@code Wp - ow} extra places per output row are dropped when the result is copied into y.
 * The transposed convolution with stride 1 is the convolution of its input with the flipped,
 * transposed kernel and padding {@code dh*(kh-1) - ph}, so it runs the same loop. The weight
 * gradient reads the column matrix on the padded width from kw shifted copies of the padded sample,
 * one product per kernel row ({@link #convWeightGrad}).
 *
 * <p>Why: im2col writes {@code kh*kw} copies of every input value and the gemm then reads them from
 * a column matrix of hundreds of kilobytes; here a sample is copied once (padded) and the taps'
 * products read it from the L2 cache. On ResNet's 16-channel 32x32 layers the nine thin products
 * take half the time of the one im2col product with OpenBLAS's AVX-512 kernels and about the same
 * with its AVX2 ones, and the gather is saved either way (docs/PERFORMANCE.md).
 * With few input channels the products get too thin for OpenBLAS's kernels, so those shapes keep
 * {@link SampleKernels}.
 */
final class ShiftedConv {
    /**
     * The fewest channels a tap's product may sum over (its inner dimension) for this path, unless
     * the kernel is 1x1: below it, kh*kw thin products cost more than one im2col product and its
     * gather (LeNet's 1- and 6-channel layers, a network's RGB input layer).
     */
    static final int MIN_CHANNELS = 16;

    private ShiftedConv() {
    }

    /**
     * One sample's geometry: C channels of H x W, padded to Hp rows of Wp, a kh x kw kernel with
     * dilation. Padded rows are {@link #gap} zeros apart: one row's right padding is the next row's
     * left padding where the kernel reaches at least pw columns beyond an output place (3x3 with
     * padding 1: Wp = W + 1), so the products compute fewer dropped places; each channel's plane
     * starts with pw zeros, the first row's left padding.
     */
    record Geometry(int c, int h, int w, int ph, int pw, int kh, int kw, int dh, int dw) {
        int hp() {
            return h + 2 * ph;
        }

        /** Zeros between two rows' values: pw, shared, when the kernel's reach {@code dw*(kw-1)} is at least pw; else 2*pw. */
        int gap() {
            return pw <= dw * (kw - 1) ? pw : 2 * pw;
        }

        /** The padded row length: the row stride of the padded sample and of the output on the padded width. */
        int wp() {
            return w + gap();
        }

        int oh() {
            return hp() - dh * (kh - 1);
        }

        int ow() {
            return w + 2 * pw - dw * (kw - 1);
        }

        /** Elements per padded channel (pw leading zeros, then Hp rows): the row stride of every tap's input matrix. */
        int plane() {
            return pw + hp() * wp();
        }

        /** N', the output on the padded width up to the last output place. */
        int wide() {
            return (oh() - 1) * wp() + ow();
        }

        long tapOffset(int tap) {
            return (long) (tap / kw) * dh * wp() + (long) (tap % kw) * dw;
        }

        boolean padded() {
            return ph > 0 || pw > 0;
        }

        /** Whether the padded width is the output's width (kw 1 or dilation making no extra places): y is written in place. */
        boolean exact() {
            return ow() == wp();
        }

        int taps() {
            return kh * kw;
        }
    }

    /**
     * The most extra work the padded width may cost: the products compute {@code Wp - ow} places per
     * output row that are dropped (one for a 3x3 kernel with padding 1), against im2col's gather
     * that they save. 16x16 images with padding 1 cost 6% and gain in all three directions; 8x8
     * ones (11%) are faster with im2col since its gather copies whole column rows
     * ({@link Columns.Runs}), with AVX-512 kernels as with AVX2 ones (docs/PERFORMANCE.md).
     */
    static final double MAX_EXTRA_WORK = 1.075;

    /** Whether a convolution of this geometry gains from the shifted products (stride 1 assumed): enough channels, at most {@link #MAX_EXTRA_WORK}. */
    static boolean worthIt(Geometry g) {
        boolean enoughChannels = g.c() >= MIN_CHANNELS || g.taps() == 1;
        return enoughChannels && g.oh() > 0 && g.ow() > 0 && g.wide() <= MAX_EXTRA_WORK * g.oh() * g.ow();
    }

    private static boolean strideOne(INDArray x, ConvParams p) {
        return x.dataType() == DataType.FLOAT && p.groups() == 1 && p.sh() == 1 && p.sw() == 1;
    }

    private static Geometry convGeometry(INDArray x, long kh, long kw, ConvParams p) {
        return new Geometry((int) x.size(1), (int) x.size(2), (int) x.size(3), p.ph(), p.pw(), (int) kh, (int) kw, p.dh(), p.dw());
    }

    /** The transposed convolution's geometry as a convolution: padding {@code d*(k-1) - p} (negative when it would crop). */
    private static Geometry transposeGeometry(INDArray x, INDArray w, ConvParams p) {
        int kh = (int) w.size(2);
        int kw = (int) w.size(3);
        return new Geometry((int) x.size(1), (int) x.size(2), (int) x.size(3), p.dh() * (kh - 1) - p.ph(), p.dw() * (kw - 1) - p.pw(),
                kh, kw, p.dh(), p.dw());
    }

    /** Whether {@link #conv2d} takes this convolution: float32, no groups, stride 1, enough channels, little extra work. */
    static boolean suitsConv(INDArray x, INDArray w, ConvParams p) {
        return strideOne(x, p) && worthIt(convGeometry(x, w.size(2), w.size(3), p));
    }

    /** Whether {@link #convWeightGrad} takes this weight gradient (as {@link #suitsConv}, and gy the convolution's whole output). */
    static boolean suitsWeightGrad(INDArray x, INDArray gy, ConvParams p, long kh, long kw) {
        if (!strideOne(x, p)) {
            return false;
        }
        Geometry g = convGeometry(x, kh, kw, p);
        return worthIt(g) && gy.size(2) == g.oh() && gy.size(3) == g.ow();
    }

    /**
     * Whether {@link #convTranspose2d} takes this transposed convolution: as {@link #suitsConv}, with
     * padding at most the dilated kernel's reach, and no output padding (the output is exactly the
     * convolution's).
     */
    static boolean suitsTranspose(INDArray x, INDArray w, long outH, long outW, ConvParams p) {
        if (!strideOne(x, p)) {
            return false;
        }
        Geometry g = transposeGeometry(x, w, p);
        return g.ph() >= 0 && g.pw() >= 0 && worthIt(g) && outH == g.oh() && outW == g.ow();
    }

    /** {@code y = conv2d(x, w) + b} for stride 1; w {@code [O, C, kh, kw]}. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p) {
        int o = (int) w.size(0);
        int c = (int) w.size(1);
        float[] taps = taps(Host.floatsScratch(Host.Work.KERNEL_IN, w), o, c, (int) (w.size(2) * w.size(3)), false);
        return convolve("conv2d", x, taps, o, b, convGeometry(x, w.size(2), w.size(3), p), oh, ow);
    }

    /**
     * {@code y = convTranspose2d(x, w) + b} for stride 1; w {@code [Cin, O, kh, kw]}: the convolution
     * of x with {@code w'[o, c, ky, kx] = w[c, o, kh-1-ky, kw-1-kx]} and padding {@code d*(k-1) - p}.
     */
    static INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p) {
        int c = (int) w.size(0);
        int o = (int) w.size(1);
        float[] taps = taps(Host.floatsScratch(Host.Work.KERNEL_IN, w), o, c, (int) (w.size(2) * w.size(3)), true);
        return convolve("convTranspose2d", x, taps, o, b, transposeGeometry(x, w, p), outH, outW);
    }

    /**
     * The weights as one {@code [O, C]} matrix per tap, {@code taps[t][oc][ic]}: from a convolution's
     * {@code w[oc][ic][t]}, or from a transposed convolution's {@code w[ic][oc][flipped t]}, where
     * flipping a tap {@code (ky, kx)} to {@code (kh-1-ky, kw-1-kx)} is {@code t -> taps-1-t}.
     */
    private static float[] taps(float[] w, int o, int c, int taps, boolean transposed) {
        float[] out = Host.floatScratch(Host.Work.KERNEL_OUT, taps * o * c); // the thread's: a new array per call was most of a step's heap garbage
        for (int oc = 0; oc < o; oc++) {
            for (int ic = 0; ic < c; ic++) {
                for (int t = 0; t < taps; t++) {
                    int from = transposed ? (ic * o + oc) * taps + (taps - 1 - t) : (oc * c + ic) * taps + t;
                    out[(t * o + oc) * c + ic] = w[from];
                }
            }
        }
        return out;
    }

    /** The loop both directions share: per sample, pad, one product per tap into y_wide, copy into y. */
    private static INDArray convolve(String op, INDArray x, float[] taps, int o, INDArray b, Geometry g, long oh, long ow) {
        if (g.oh() != oh || g.ow() != ow) {
            throw new IllegalArgumentException(op + ": output size " + oh + "x" + ow + " does not match input " + g.h() + "x" + g.w()
                    + " with kernel " + g.kh() + "x" + g.kw() + ", padding " + g.ph() + "x" + g.pw() + ", dilation " + g.dh() + "x" + g.dw()
                    + " (stride 1, as a convolution): expected " + g.oh() + "x" + g.ow());
        }
        int n = (int) x.size(0);
        int c = g.c();
        int chw = c * g.h() * g.w();
        int pix = g.oh() * g.ow();
        int wide = g.wide();
        INDArray xd = Host.dense(x);
        FloatPointer xp = Blas.pointer(xd);
        FloatBuffer xv = Host.floatView(xd);
        INDArray tapArray = Host.arrayFrom(taps, new long[] {(long) g.taps() * o * g.c()}); // taps may be a longer scratch array
        FloatPointer tp = Blas.pointer(tapArray);
        INDArray y = Memory.allocate(DataType.FLOAT, n, o, oh, ow);
        FloatPointer yp = Blas.pointer(y);
        FloatBuffer yv = Host.floatView(y); // shared by the chunks: absolute puts only
        float[] bias = b == null ? null : Host.floats(b);
        Parallel.forEach(n, SampleKernels.samplesPerChunk(n), (chunk, from, to) -> {
            Scratch scratch = Scratch.mine();
            for (int s = from; s < to; s++) {
                FloatPointer in = xp;
                long inAt = (long) s * chw;
                int ld = g.h() * g.w();
                if (g.padded()) {
                    scratch.pad(xv, s * chw, g);
                    in = scratch.in.pointer;
                    inAt = 0;
                    ld = g.plane();
                }
                boolean inPlace = g.exact();
                if (inPlace && bias != null) {
                    SampleKernels.fillChannels(yv, s * o * pix, bias, pix); // the products add onto the bias
                }
                FloatPointer out = inPlace ? yp : scratch.out(o * wide).pointer;
                long outAt = inPlace ? (long) s * o * pix : 0;
                for (int t = 0; t < g.taps(); t++) {
                    float beta = t == 0 && !(inPlace && bias != null) ? 0f : 1f;
                    Blas.sgemm(false, false, o, wide, c, 1f, tp, (long) t * o * c, c, in, inAt + g.tapOffset(t), ld, beta, out, outAt, wide);
                }
                if (!inPlace) {
                    scratch.narrow(yv, s * o * pix, o, g, bias);
                }
            }
        });
        Host.keepUntilHere(xd, tapArray);
        Memory.release(tapArray); // scratch: nothing else refers to it
        return y;
    }

    /**
     * {@code gw [O, C, kh, kw]} of a stride-1 convolution, as {@code gw^T [C*kh*kw, O] = sum_s cols_s x
     * gy_wide_s^T}, where the column matrix of a sample on the padded width has row {@code (c, ky, kx)}
     * = padded channel c from the tap's offset, and gy_wide is gy on the padded width with zeros in
     * the extra places. The column matrix is never built: kw copies of each padded channel, copy kx
     * shifted left by {@code kx*dw}, are rows {@code (c, kx)} a plane apart, and from the offset of
     * kernel row ky they are that row's part of the column matrix, so one product per kernel row
     * ({@code [C*kw, N'] x [N', O]}) reads them as they lie. That copies a third of what the column
     * matrix would (16->16 3x3 at 32x32: 0.2 MB a sample instead of 0.6), and with OpenBLAS's AVX-512
     * kernels the three shorter products ran faster than the one long one; with AVX2 kernels about 3%
     * slower (docs/PERFORMANCE.md). A 1x1 kernel's column matrix is the (padded) sample itself; one
     * that widens the channels computes gw itself, {@code gy_wide x cols^T}, the longer side again as
     * the rows. Each chunk of samples sums into its own buffer and the buffers are added in chunk
     * order, so the result does not depend on the number of threads.
     */
    static INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, ConvParams p) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int o = (int) gy.size(1);
        INDArray gw = Memory.allocate(DataType.FLOAT, o, c, kh, kw);
        if (n == 0) {
            return gw.assign(0);
        }
        Geometry g = convGeometry(x, kh, kw, p);
        if (g.oh() != gy.size(2) || g.ow() != gy.size(3)) {
            throw new IllegalArgumentException("convWeightGrad: gy " + Arrays.toString(gy.shape()) + " does not match x "
                    + Arrays.toString(x.shape()) + " with kernel " + kh + "x" + kw + " and " + p + ": expected " + g.oh() + "x" + g.ow());
        }
        int chw = c * g.h() * g.w();
        int pix = g.oh() * g.ow();
        int wide = g.wide();
        int k = c * g.taps();
        INDArray xd = Host.dense(x);
        INDArray gyd = Host.dense(gy);
        FloatPointer xp = Blas.pointer(xd);
        FloatPointer gyp = Blas.pointer(gyd);
        FloatBuffer xv = Host.floatView(xd); // shared by the chunks: absolute gets only
        FloatBuffer gyv = Host.floatView(gyd);
        int perChunk = SampleKernels.weightGradSamplesPerChunk(n, pix);
        int chunks = Parallel.chunks(n, perChunk);
        INDArray partialSums = Memory.allocate(DataType.FLOAT, chunks, (long) k * o); // chunk i's sum of gw^T (or gw) in row i
        FloatPointer partials = Blas.pointer(partialSums);
        int rowsPerProduct = c * g.kw(); // the rows (c, kx) of one kernel row
        // A 1x1 kernel that widens (O > C) computes gw [O, C] itself: 25% faster there with AVX-512 kernels, the same with AVX2.
        boolean turned = g.taps() > 1 || k >= o;
        Parallel.forEach(n, perChunk, (chunk, from, to) -> {
            Scratch scratch = Scratch.mine();
            for (int s = from; s < to; s++) {
                FloatPointer grad = gyp;
                long gradAt = (long) s * o * pix;
                if (!g.exact()) {
                    grad = scratch.widen(gyv, s * o * pix, o, g).pointer;
                    gradAt = 0;
                }
                float beta = s == from ? 0f : 1f;
                long out = (long) chunk * k * o;
                FloatPointer rows = xp; // the sample itself: a 1x1 kernel without padding
                long rowsAt = (long) s * chw;
                if (g.kw() > 1) {
                    rows = scratch.shiftedCopies(xv, s * chw, g).pointer;
                    rowsAt = 0;
                } else if (g.padded()) {
                    scratch.pad(xv, s * chw, g);
                    rows = scratch.in.pointer;
                    rowsAt = 0;
                }
                int ld = g.plane(); // rows a channel's plane apart (unpadded, the sample's own h*w)
                if (!turned) {
                    Blas.sgemm(false, true, o, k, wide, 1f, grad, gradAt, wide, rows, rowsAt, ld, beta, partials, out, k);
                    continue;
                }
                for (int ky = 0; ky < g.kh(); ky++) {
                    Blas.sgemm(false, true, rowsPerProduct, o, wide, 1f, rows, rowsAt + (long) ky * g.dh() * g.wp(), ld, grad, gradAt, wide, beta,
                            partials, out + (long) ky * rowsPerProduct * o, o);
                }
            }
        });
        Host.keepUntilHere(xd, gyd);
        SampleKernels.sumChunks(partialSums, chunks, k, o, gw, turned ? kernelRowColumns(c, g.kh(), g.kw()) : null);
        return gw;
    }

    /** For each row of the partial sums, which come by kernel rows, {@code (ky, c, kx)}: its column {@code (c, ky, kx)} of gw. */
    private static int[] kernelRowColumns(int c, int kh, int kw) {
        int[] columnOf = new int[c * kh * kw];
        for (int ky = 0, row = 0; ky < kh; ky++) {
            for (int ch = 0; ch < c; ch++) {
                for (int kx = 0; kx < kw; kx++, row++) {
                    columnOf[row] = (ch * kh + ky) * kw + kx;
                }
            }
        }
        return columnOf;
    }

    /** A thread's native buffers for one sample: the padded input or its column matrix, and the output or gradient on the padded width. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> MINE = ThreadLocal.withInitial(Scratch::new);
        private NativeFloats in = new NativeFloats(0);
        private NativeFloats wide = new NativeFloats(0);
        private NativeFloats shifted = new NativeFloats(0);

        static Scratch mine() {
            return MINE.get();
        }

        /** The geometry whose zero border {@link #in} holds, or null: a later sample of it only needs its values copied. */
        private Geometry bordered;

        /** The geometry and output channels whose gradient's gap places {@link #wide} holds as zeros, or null: the products' output writes them. */
        private Geometry widened;
        private int widenedChannels;

        /**
         * The sample at {@code base} of x, zero-padded to {@code [C, Hp, Wp]}, into {@link #in}: row by
         * row from native memory to native memory, with no copy on the Java heap in between. The zero
         * border is written once per geometry: samples of one call, and calls of one layer, share it.
         */
        void pad(FloatBuffer x, int base, Geometry g) {
            int plane = g.plane();
            int wp = g.wp();
            NativeFloats before = in;
            in = in.atLeast(g.c() * plane);
            FloatBuffer dst = in.view;
            if (in != before || !g.equals(bordered)) {
                int gap = wp - g.w();
                float[] zeros = zeros(Math.max(g.pw() + g.ph() * wp, gap));
                for (int ch = 0; ch < g.c(); ch++) {
                    int at = ch * plane;
                    dst.put(at, zeros, 0, g.pw() + g.ph() * wp); // the lead and the top rows
                    for (int iy = 0; iy < g.h(); iy++) {
                        dst.put(at + g.pw() + (iy + g.ph()) * wp + g.w(), zeros, 0, gap); // after each row's values
                    }
                    dst.put(at + g.pw() + (g.ph() + g.h()) * wp, zeros, 0, g.ph() * wp); // the bottom rows
                }
                bordered = g;
            }
            for (int ch = 0; ch < g.c(); ch++) {
                int at = ch * plane + g.pw() + g.ph() * wp; // the lead of pw zeros, then ph rows of padding
                int from = base + ch * g.h() * g.w();
                for (int iy = 0; iy < g.h(); iy++) {
                    dst.put(at + iy * wp, x, from + iy * g.w(), g.w());
                }
            }
        }

        /**
         * kw copies of each padded channel, the copy kx shifted left by {@code kx*dw}, as rows
         * {@code (c, kx)} of length {@code plane}, into {@link #shifted}: from the offset
         * {@code ky*dh*Wp}, with rows a plane apart, they are the column matrix's rows
         * {@code (c, ky, kx)} for one kernel row ky. The last {@code kx*dw} places of a row are
         * never read: the products read {@code ky*dh*Wp + N' <= plane - kx*dw} places.
         */
        NativeFloats shiftedCopies(FloatBuffer x, int base, Geometry g) {
            pad(x, base, g);
            int plane = g.plane();
            shifted = shifted.atLeast(g.c() * g.kw() * plane);
            for (int ch = 0, row = 0; ch < g.c(); ch++) {
                for (int kx = 0; kx < g.kw(); kx++, row++) {
                    int shift = kx * g.dw();
                    shifted.view.put(row * plane, in.view, ch * plane + shift, plane - shift);
                }
            }
            return shifted;
        }

        /** The native buffer for a product's output on the padded width. */
        NativeFloats out(int len) {
            wide = wide.atLeast(len);
            widened = null; // the products write the gap places too
            return wide;
        }

        /** Copies the output on the padded width into the sample's place in y, dropping the extra places and adding the bias. */
        void narrow(FloatBuffer y, int base, int o, Geometry g, float[] bias) {
            int wideLen = g.wide();
            int oh = g.oh();
            int ow = g.ow();
            if (bias == null) { // native to native, row by row
                for (int oc = 0; oc < o; oc++) {
                    for (int oy = 0; oy < oh; oy++) {
                        y.put(base + (oc * oh + oy) * ow, wide.view, oc * wideLen + oy * g.wp(), ow);
                    }
                }
                return;
            }
            float[] host = Host.floatScratch(Host.Work.SHIFT_WIDE, o * wideLen);
            wide.view.get(0, host, 0, o * wideLen);
            for (int oc = 0; oc < o; oc++) {
                float add = bias == null ? 0f : bias[oc];
                for (int oy = 0; oy < oh; oy++) {
                    int src = oc * wideLen + oy * g.wp();
                    if (bias != null) {
                        for (int q = src; q < src + ow; q++) {
                            host[q] += add;
                        }
                    }
                    y.put(base + (oc * oh + oy) * ow, host, src, ow);
                }
            }
        }

        /** The sample's gradient at {@code base} of gy laid out on the padded width, zeros in the extra places. */
        NativeFloats widen(FloatBuffer gy, int base, int o, Geometry g) {
            int wideLen = g.wide();
            int oh = g.oh();
            int ow = g.ow();
            int gap = g.wp() - ow;
            NativeFloats before = wide;
            wide = wide.atLeast(o * wideLen);
            if (wide != before || !g.equals(widened) || o != widenedChannels) {
                // the gap places, once: the samples after it only write the values (a put per row costs as much as its copy)
                float[] zeros = zeros(gap);
                for (int oc = 0; oc < o; oc++) {
                    for (int oy = 0; oy < oh - 1; oy++) {
                        wide.view.put(oc * wideLen + oy * g.wp() + ow, zeros, 0, gap);
                    }
                }
                widened = g;
                widenedChannels = o;
            }
            for (int oc = 0; oc < o; oc++) {
                for (int oy = 0; oy < oh; oy++) {
                    wide.view.put(oc * wideLen + oy * g.wp(), gy, base + (oc * oh + oy) * ow, ow);
                }
            }
            return wide;
        }
    }

    private static volatile float[] zeros = new float[256];

    /** An array of at least n zeros, shared and never written. */
    private static float[] zeros(int n) {
        float[] z = zeros;
        if (z.length < n) {
            z = new float[n];
            zeros = z;
        }
        return z;
    }

    /** Native float memory owned by one thread, outside the pool (it lives as long as the thread's scratch). */
    private static final class NativeFloats {
        final INDArray memory;
        final FloatPointer pointer;
        final FloatBuffer view;

        NativeFloats(int capacity) {
            memory = Nd4j.create(DataType.FLOAT, Math.max(1, capacity));
            pointer = Blas.pointer(memory);
            view = Host.floatView(memory);
        }

        NativeFloats atLeast(int capacity) {
            return memory.length() >= capacity ? this : new NativeFloats(capacity);
        }
    }
}
