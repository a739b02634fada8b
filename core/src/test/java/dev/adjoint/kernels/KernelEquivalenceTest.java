package dev.adjoint.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The fast CPU kernels against the reference kernels, method by method, on random shapes (odd
 * sizes, batch 1, strides, padding, dilation, groups, output padding), in float32 and float64, with
 * edge values (subnormals, signed zeros, ties, NaN). The reference kernels are plain ND4J
 * operations; the PyTorch conformance cases run on both sets (see core/pom.xml).
 *
 * <p>Tolerances: float64 1e-12 and float32 2e-5, relative to the largest magnitude of the result:
 * the two sum in different orders (per-sample gemms against one batched gemm, Java loops against
 * ND4J reductions), never to different values.
 */
class KernelEquivalenceTest {
    private static final Kernels FAST = KernelSelection.fast();
    private static final Kernels REF = KernelSelection.reference();
    private static final DataType[] TYPES = {DataType.FLOAT, DataType.DOUBLE};

    @Test
    void theFastKernelsAreTheCpuOnes() {
        // otherwise every comparison below would hold the reference kernels to themselves
        assertThat(FAST.name()).isEqualTo("fast");
        assertThat(FAST).isNotSameAs(REF);
    }

    // ---------------------------------------------------------------- the conv family

    /** One random 2-D convolution geometry, valid by construction. */
    private record Geometry(int n, int cin, int cout, int groups, int kh, int kw, int h, int w, ConvParams p, long oh, long ow,
                            long th, long tw) {
        static Geometry draw(Random r, boolean wide) {
            while (true) {
                int groups = r.nextInt(4) == 0 ? 2 : 1;
                int cin = groups * (1 + r.nextInt(wide ? 6 : 3));
                int cout = groups * (1 + r.nextInt(wide ? 9 : 3));
                int kh = 1 + r.nextInt(4);
                int kw = 1 + r.nextInt(4);
                int sh = 1 + r.nextInt(3);
                int sw = 1 + r.nextInt(3);
                int dh = 1 + r.nextInt(2);
                int dw = 1 + r.nextInt(2);
                int ph = r.nextInt(3);
                int pw = r.nextInt(3);
                int oph = r.nextInt(Math.max(sh, dh));
                int opw = r.nextInt(Math.max(sw, dw));
                int n = r.nextInt(3) == 0 ? 1 : 1 + r.nextInt(5);
                int h = 1 + r.nextInt(9);
                int w = 1 + r.nextInt(11);
                long oh = (h + 2L * ph - (long) dh * (kh - 1) - 1) / sh + 1;
                long ow = (w + 2L * pw - (long) dw * (kw - 1) - 1) / sw + 1;
                long th = (h - 1L) * sh - 2L * ph + (long) dh * (kh - 1) + oph + 1;
                long tw = (w - 1L) * sw - 2L * pw + (long) dw * (kw - 1) + opw + 1;
                boolean convOk = h + 2L * ph >= (long) dh * (kh - 1) + 1 && w + 2L * pw >= (long) dw * (kw - 1) + 1;
                if (convOk && th > 0 && tw > 0) {
                    return new Geometry(n, cin, cout, groups, kh, kw, h, w, new ConvParams(sh, sw, ph, pw, dh, dw, oph, opw, groups), oh, ow,
                            th, tw);
                }
            }
        }
    }

    @Test
    void conv2dNarrowAndWideLayers() {
        Random r = new Random(1);
        for (DataType t : TYPES) {
            for (int trial = 0; trial < 40; trial++) {
                Geometry g = Geometry.draw(r, trial % 2 == 1);
                INDArray x = random(r, t, g.n, g.cin, g.h, g.w);
                INDArray w = random(r, t, g.cout, g.cin / g.groups, g.kh, g.kw);
                INDArray b = trial % 3 == 0 ? null : random(r, t, g.cout);
                assertSame(FAST.conv2d(x, w, b, g.oh, g.ow, g.p), REF.conv2d(x, w, b, g.oh, g.ow, g.p), t, "conv2d " + g);
            }
        }
    }

    /**
     * Stride-1 convolutions with 16 or more input channels, or 1x1 kernels, on rows wide enough
     * (ResNet's and MobileNet's layers): the fast kernels compute these as shifted products without
     * im2col, all three ways, with padding up to past the kernel's reach, dilation and non-square shapes.
     */
    /**
     * The stride-1 weight gradient's kernel shapes one at a time, each with and without padding and
     * dilation: tall (kh > 1, kw = 1) and wide kernels read the sample itself, its padded copy or its
     * shifted copies, each with rows a channel's plane apart. The random trials above rarely draw an
     * unpadded tall kernel.
     */
    @Test
    void strideOneWeightGradientsOfEveryKernelShape() {
        Random r = new Random(17);
        DataType t = DataType.FLOAT;
        int[][] kernels = {{1, 1}, {3, 1}, {1, 3}, {3, 3}, {2, 4}};
        for (int[] k : kernels) {
            for (int pad = 0; pad <= 1; pad++) {
                for (int dil = 1; dil <= 2; dil++) {
                    int cin = 16 + r.nextInt(3);
                    int cout = 1 + r.nextInt(20);
                    int h = dil * (k[0] - 1) + 2 + r.nextInt(5);
                    int w = 8 * (dil * (k[1] - 1) + 2 * pad) + 1 + r.nextInt(6);
                    ConvParams p = new ConvParams(1, 1, pad, pad, dil, dil, 0, 0, 1);
                    long oh = h + 2L * pad - (long) dil * (k[0] - 1);
                    long ow = w + 2L * pad - (long) dil * (k[1] - 1);
                    INDArray x = random(r, t, 3, cin, h, w);
                    INDArray gy = random(r, t, 3, cout, oh, ow);
                    assertSame(FAST.convWeightGrad(x, gy, k[0], k[1], p), REF.convWeightGrad(x, gy, k[0], k[1], p), t,
                            "convWeightGrad 3x" + cin + "x" + h + "x" + w + " -> " + cout + ", kernel " + k[0] + "x" + k[1] + ", " + p);
                }
            }
        }
    }

    @Test
    void strideOneConvolutionsWithManyChannelsAllThreeWays() {
        Random r = new Random(11);
        DataType t = DataType.FLOAT;
        for (int trial = 0; trial < 30; trial++) {
            boolean pointwise = trial % 5 == 4;
            int cin = pointwise ? 1 + r.nextInt(20) : 16 + r.nextInt(9);
            int cout = 1 + r.nextInt(20);
            int kh = pointwise ? 1 : 1 + r.nextInt(4);
            int kw = pointwise ? 1 : 1 + r.nextInt(4);
            int dh = 1 + r.nextInt(2);
            int dw = 1 + r.nextInt(2);
            int ph = pointwise && trial % 2 == 0 ? 0 : r.nextInt(3);
            int pw = pointwise && trial % 2 == 0 ? 0 : r.nextInt(3);
            int h = dh * (kh - 1) + 1 + r.nextInt(9);
            // wide enough that the padded width costs at most 15% extra work, as the fast kernels' shifted products ask
            int w = 8 * (dw * (kw - 1) + 2 * pw) + 1 + r.nextInt(11);
            int n = 1 + r.nextInt(6);
            ConvParams p = new ConvParams(1, 1, ph, pw, dh, dw, 0, 0, 1);
            long oh = h + 2L * ph - (long) dh * (kh - 1);
            long ow = w + 2L * pw - (long) dw * (kw - 1);
            String what = n + "x" + cin + "x" + h + "x" + w + " -> " + cout + ", kernel " + kh + "x" + kw + ", " + p;
            INDArray x = random(r, t, n, cin, h, w);
            INDArray wc = random(r, t, cout, cin, kh, kw);
            INDArray b = trial % 3 == 0 ? null : random(r, t, cout);
            assertSame(FAST.conv2d(x, wc, b, oh, ow, p), REF.conv2d(x, wc, b, oh, ow, p), t, "conv2d " + what);
            INDArray gy = random(r, t, n, cout, oh, ow);
            assertSame(FAST.convWeightGrad(x, gy, kh, kw, p), REF.convWeightGrad(x, gy, kh, kw, p), t, "convWeightGrad " + what);
            // the transposed convolution of x (cin channels) back to cout channels, as conv's input gradient and as a layer
            INDArray wt = random(r, t, cin, cout, kh, kw);
            int oph = dh > 1 && trial % 4 == 1 ? 1 : 0; // output padding below the dilation: not the shifted path's shape
            long th = h - 1L - 2L * ph + (long) dh * (kh - 1) + oph + 1;
            long tw = w - 1L - 2L * pw + (long) dw * (kw - 1) + 1;
            if (th > 0 && tw > 0) {
                ConvParams q = new ConvParams(1, 1, ph, pw, dh, dw, oph, 0, 1);
                INDArray bt = b == null ? null : random(r, t, cout);
                assertSame(FAST.convTranspose2d(x, wt, bt, th, tw, q), REF.convTranspose2d(x, wt, bt, th, tw, q), t, "convTranspose2d " + what);
            }
        }
    }

    @Test
    void strideOneTransposedConvolutionsAsTheFlippedKernelsConvolution() {
        Random r = new Random(13);
        DataType t = DataType.FLOAT;
        for (int trial = 0; trial < 30; trial++) {
            // few channels or small images: not the shifted products' shapes, so the im2col convolution takes them
            int cin = 1 + r.nextInt(trial % 3 == 0 ? 40 : 12);
            int cout = 1 + r.nextInt(12);
            int kh = 1 + r.nextInt(5);
            int kw = 1 + r.nextInt(5);
            int dh = 1 + r.nextInt(2);
            int dw = 1 + r.nextInt(2);
            int reachH = dh * (kh - 1);
            int reachW = dw * (kw - 1);
            int ph = (reachH + 1) / 2 + r.nextInt(reachH / 2 + 1); // between half and all of the reach
            int pw = (reachW + 1) / 2 + r.nextInt(reachW / 2 + 1);
            int h = 1 + r.nextInt(9);
            int w = 1 + r.nextInt(9);
            long th = h - 1L - 2L * ph + reachH + 1;
            long tw = w - 1L - 2L * pw + reachW + 1;
            if (th <= 0 || tw <= 0) {
                continue;
            }
            int n = 1 + r.nextInt(5);
            ConvParams q = new ConvParams(1, 1, ph, pw, dh, dw, 0, 0, 1);
            String what = n + "x" + cin + "x" + h + "x" + w + " -> " + cout + ", kernel " + kh + "x" + kw + ", " + q;
            INDArray x = random(r, t, n, cin, h, w);
            INDArray wt = random(r, t, cin, cout, kh, kw);
            INDArray bt = trial % 3 == 0 ? null : random(r, t, cout);
            assertSame(FAST.convTranspose2d(x, wt, bt, th, tw, q), REF.convTranspose2d(x, wt, bt, th, tw, q), t, "convTranspose2d " + what);
        }
    }

    @Test
    void convTranspose2dWithOutputPaddingAndGroups() {
        Random r = new Random(2);
        for (DataType t : TYPES) {
            for (int trial = 0; trial < 40; trial++) {
                Geometry g = Geometry.draw(r, trial % 2 == 1);
                INDArray x = random(r, t, g.n, g.cin, g.h, g.w);
                INDArray w = random(r, t, g.cin, g.cout / g.groups, g.kh, g.kw);
                INDArray b = trial % 3 == 0 ? null : random(r, t, g.cout);
                assertSame(FAST.convTranspose2d(x, w, b, g.th, g.tw, g.p), REF.convTranspose2d(x, w, b, g.th, g.tw, g.p), t,
                        "convTranspose2d " + g);
            }
        }
    }

    @Test
    void depthwiseConvolutionsAllThreeWays() {
        Random r = new Random(31);
        int trials = 0;
        while (trials < 60) {
            Geometry drawn = Geometry.draw(r, false);
            int c = 2 + r.nextInt(5);
            ConvParams q = drawn.p;
            ConvParams p = new ConvParams(q.sh(), q.sw(), q.ph(), q.pw(), q.dh(), q.dw(), q.oph(), q.opw(), c); // groups == channels
            Geometry g = new Geometry(drawn.n, c, c, c, drawn.kh, drawn.kw, drawn.h, drawn.w, p, drawn.oh, drawn.ow, drawn.th, drawn.tw);
            if (g.oh < 1 || g.ow < 1) {
                continue;
            }
            trials++;
            DataType t = DataType.FLOAT; // the depthwise path is float32's; float64 takes the general one on both sides
            INDArray x = random(r, t, g.n, c, g.h, g.w);
            INDArray w = random(r, t, c, 1, g.kh, g.kw);
            INDArray b = trials % 3 == 0 ? null : random(r, t, c);
            assertSame(FAST.conv2d(x, w, b, g.oh, g.ow, p), REF.conv2d(x, w, b, g.oh, g.ow, p), t, "depthwise conv2d " + g);
            assertSame(FAST.convTranspose2d(x, w, b, g.th, g.tw, p), REF.convTranspose2d(x, w, b, g.th, g.tw, p), t,
                    "depthwise convTranspose2d " + g);
            long oh = trials % 3 == 2 && g.oh > 1 ? g.oh - 1 : g.oh;
            INDArray gy = random(r, t, g.n, c, oh, g.ow);
            assertSame(FAST.convWeightGrad(x, gy, g.kh, g.kw, p), REF.convWeightGrad(x, gy, g.kh, g.kw, p), t,
                    "depthwise convWeightGrad " + g + " gy rows " + oh);
        }
    }

    @Test
    void convWeightGradIncludingAGradientSmallerThanTheOutput() {
        Random r = new Random(3);
        for (DataType t : TYPES) {
            for (int trial = 0; trial < 40; trial++) {
                Geometry g = Geometry.draw(r, trial % 2 == 1);
                // every third trial crops gy at the far end, as a transposed convolution's backward asks for
                long oh = trial % 3 == 2 && g.oh > 1 ? g.oh - 1 : g.oh;
                long ow = trial % 3 == 2 && g.ow > 1 ? g.ow - 1 : g.ow;
                INDArray x = random(r, t, g.n, g.cin, g.h, g.w);
                INDArray gy = random(r, t, g.n, g.cout, oh, ow);
                assertSame(FAST.convWeightGrad(x, gy, g.kh, g.kw, g.p), REF.convWeightGrad(x, gy, g.kh, g.kw, g.p), t,
                        "convWeightGrad " + g + " gy " + oh + "x" + ow);
            }
        }
    }

    @Test
    void lenetShapedConvolutionsInFloat32() {
        Random r = new Random(4);
        ConvParams pad2 = new ConvParams(1, 1, 2, 2, 1, 1, 0, 0, 1);
        ConvParams none = new ConvParams(1, 1, 0, 0, 1, 1, 0, 0, 1);
        INDArray x = random(r, DataType.FLOAT, 7, 1, 28, 28);
        INDArray w1 = random(r, DataType.FLOAT, 6, 1, 5, 5);
        assertSame(FAST.conv2d(x, w1, null, 28, 28, pad2), REF.conv2d(x, w1, null, 28, 28, pad2), DataType.FLOAT, "conv1 fwd");
        INDArray h = random(r, DataType.FLOAT, 7, 6, 14, 14);
        INDArray w2 = random(r, DataType.FLOAT, 16, 6, 5, 5);
        INDArray gy = random(r, DataType.FLOAT, 7, 16, 10, 10);
        assertSame(FAST.convTranspose2d(gy, w2, null, 14, 14, none), REF.convTranspose2d(gy, w2, null, 14, 14, none), DataType.FLOAT,
                "conv2 input grad");
        assertSame(FAST.convWeightGrad(h, gy, 5, 5, none), REF.convWeightGrad(h, gy, 5, 5, none), DataType.FLOAT, "conv2 weight grad");
    }

    /**
     * A training step's order on one thread: forward, input gradient (whose gemm writes every slot
     * of the thread's column buffer, padding included), then the weight gradient through the same
     * index map, which must not find the padding slots dirty. One sample and three: the single
     * chunk runs on the calling thread.
     */
    @Test
    void aPaddedConvolutionsBackwardInTrainingOrderOnOneThread() {
        Random r = new Random(8);
        ConvParams pad1 = new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1);
        for (int n : new int[] {1, 3}) {
            INDArray x = random(r, DataType.FLOAT, n, 4, 6, 6);
            INDArray w = random(r, DataType.FLOAT, 5, 4, 3, 3);
            INDArray gy = random(r, DataType.FLOAT, n, 5, 6, 6);
            assertSame(FAST.conv2d(x, w, null, 6, 6, pad1), REF.conv2d(x, w, null, 6, 6, pad1), DataType.FLOAT, "forward, n=" + n);
            assertSame(FAST.convTranspose2d(gy, w, null, 6, 6, pad1), REF.convTranspose2d(gy, w, null, 6, 6, pad1), DataType.FLOAT,
                    "input grad, n=" + n);
            assertSame(FAST.convWeightGrad(x, gy, 3, 3, pad1), REF.convWeightGrad(x, gy, 3, 3, pad1), DataType.FLOAT, "weight grad, n=" + n);
            assertSame(FAST.conv2d(x, w, null, 6, 6, pad1), REF.conv2d(x, w, null, 6, 6, pad1), DataType.FLOAT, "forward again, n=" + n);
        }
    }

    /**
     * The shifted products' thread buffers in training order: the forward and the input gradient
     * write their output on the padded width into the buffer whose gap places the weight gradient
     * keeps as zeros for the gradient it widens, so the weight gradient after them must zero those
     * places again. One sample: every call runs on the calling thread, with the same buffers.
     */
    @Test
    void shiftedProductsInTrainingOrderOnOneThread() {
        Random r = new Random(9);
        ConvParams pad1 = new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1);
        INDArray x = random(r, DataType.FLOAT, 1, 16, 16, 16);
        INDArray w = random(r, DataType.FLOAT, 16, 16, 3, 3);
        for (int step = 0; step < 2; step++) {
            INDArray gy = random(r, DataType.FLOAT, 1, 16, 16, 16);
            assertSame(FAST.convWeightGrad(x, gy, 3, 3, pad1), REF.convWeightGrad(x, gy, 3, 3, pad1), DataType.FLOAT, "weight grad, step " + step);
            assertSame(FAST.conv2d(x, w, null, 16, 16, pad1), REF.conv2d(x, w, null, 16, 16, pad1), DataType.FLOAT, "forward, step " + step);
            assertSame(FAST.convTranspose2d(gy, w, null, 16, 16, pad1), REF.convTranspose2d(gy, w, null, 16, 16, pad1), DataType.FLOAT,
                    "input grad, step " + step);
        }
    }

    @Test
    void convPropagatesNaNTheSameWay() {
        Random r = new Random(5);
        ConvParams p = new ConvParams(2, 1, 1, 0, 1, 2, 0, 0, 1);
        for (DataType t : TYPES) {
            for (int c : new int[] {2, 40}) { // narrow (Java loops) and wide (BLAS) float32 paths
                INDArray x = random(r, t, 3, c, 6, 7);
                x.putScalar(new long[] {1, 0, 2, 3}, Double.NaN);
                INDArray w = random(r, t, 5, c, 3, 2);
                INDArray y = FAST.conv2d(x, w, null, 3, 5, p);
                assertSame(y, REF.conv2d(x, w, null, 3, 5, p), t, "conv2d with a NaN, c=" + c);
                assertThat(countNaN(y)).as("NaN reaches the outputs whose window holds it").isGreaterThan(0);
            }
        }
    }

    @Test
    void heightOneConvolutionsAsConv1dCallsThem() {
        Random r = new Random(19);
        for (DataType t : TYPES) {
            for (int trial = 0; trial < 10; trial++) {
                int s = 1 + r.nextInt(3);
                int d = 1 + r.nextInt(2);
                int pad = r.nextInt(3);
                int k = 1 + r.nextInt(4);
                int len = d * (k - 1) + 1 + r.nextInt(9);
                ConvParams p = new ConvParams(1, s, 0, pad, 1, d, 0, 0, 1);
                long ow = (len + 2L * pad - (long) d * (k - 1) - 1) / s + 1;
                INDArray x = random(r, t, 1 + r.nextInt(4), 3, 1, len);
                INDArray w = random(r, t, 4, 3, 1, k);
                INDArray gy = random(r, t, x.size(0), 4, 1, ow);
                assertSame(FAST.conv2d(x, w, null, 1, ow, p), REF.conv2d(x, w, null, 1, ow, p), t, "conv1d as 2-D, len " + len);
                assertSame(FAST.convWeightGrad(x, gy, 1, k, p), REF.convWeightGrad(x, gy, 1, k, p), t, "conv1d weight grad");
            }
        }
    }

    @Test
    void subnormalAndSignedZeroInputsInFloat32() {
        Random r = new Random(20);
        ConvParams p = new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1);
        INDArray x = random(r, DataType.FLOAT, 2, 3, 5, 5).muli(Float.MIN_NORMAL); // mostly subnormal products
        x.putScalar(0, -0.0);
        INDArray w = random(r, DataType.FLOAT, 4, 3, 3, 3);
        assertSame(FAST.conv2d(x, w, null, 5, 5, p), REF.conv2d(x, w, null, 5, 5, p), DataType.FLOAT, "subnormal conv2d");
        assertSame(FAST.relu(x), REF.relu(x), DataType.FLOAT, "subnormal relu");
    }

    // ---------------------------------------------------------------- pooling and indexing

    @Test
    void maxPoolValuesAndArgmaxWithTiesAndNaN() {
        Random r = new Random(6);
        for (DataType t : TYPES) {
            for (int trial = 0; trial < 30; trial++) {
                int k = 1 + r.nextInt(3);
                int s = trial % 4 == 0 ? 2 : 1 + r.nextInt(3);
                int kk = trial % 4 == 0 ? 2 : k;
                int pad = r.nextInt(kk / 2 + 1);
                int h = kk + r.nextInt(8);
                int w = kk + r.nextInt(8);
                PoolParams p = new PoolParams(1 + r.nextInt(3), 1 + r.nextInt(3), h, w, kk, kk, s, s, pad, pad,
                        (h + 2L * pad - kk) / s + 1, (w + 2L * pad - kk) / s + 1);
                INDArray x = Nd4j.create(t, p.inputShape());
                for (long i = 0; i < x.length(); i++) {
                    int v = r.nextInt(4) - 1; // few distinct values: many ties, and zeros of both signs (the first wins)
                    x.putScalar(i, v == 0 && r.nextBoolean() ? -0.0 : v);
                }
                if (trial % 5 == 0) {
                    x.putScalar(r.nextInt((int) x.length()), Double.NaN);
                }
                MaxPoolResult fast = FAST.maxPool2d(x, p);
                MaxPoolResult ref = REF.maxPool2d(x, p);
                assertSame(fast.values(), ref.values(), t, "maxPool2d " + p);
                assertThat(fast.argmax()).as("argmax " + p).containsExactly(ref.argmax());
            }
        }
    }

    /** The 2x2 path split into chunks of planes, each with its own scratch: argmax must still index the whole input. */
    @Test
    void maxPoolTwoByTwoOverManyChunks() {
        Random r = new Random(61);
        for (long[] hw : new long[][] {{24, 24}, {25, 23}}) {
            PoolParams p = new PoolParams(3, 50, hw[0], hw[1], 2, 2, 2, 2, 0, 0, hw[0] / 2, hw[1] / 2); // 150 planes: several chunks, the last partial
            INDArray x = random(r, DataType.FLOAT, p.inputShape());
            MaxPoolResult fast = FAST.maxPool2d(x, p);
            MaxPoolResult ref = REF.maxPool2d(x, p);
            assertSame(fast.values(), ref.values(), DataType.FLOAT, "maxPool2d " + p);
            assertThat(fast.argmax()).as("argmax " + p).containsExactly(ref.argmax());
        }
    }

    @Test
    void avgPoolAndItsAdjoint() {
        Random r = new Random(7);
        for (DataType t : TYPES) {
            for (boolean countPad : new boolean[] {true, false}) {
                PoolParams p = new PoolParams(2, 3, 7, 6, 3, 2, 2, 1, 1, 1, 4, 7);
                INDArray x = random(r, t, p.inputShape());
                INDArray gy = random(r, t, p.outputShape());
                assertSame(FAST.avgPool2d(x, p, countPad), REF.avgPool2d(x, p, countPad), t, "avgPool2d");
                assertSame(FAST.avgPool2dBackward(gy, p, countPad), REF.avgPool2dBackward(gy, p, countPad), t, "avgPool2dBackward");
            }
        }
    }

    @Test
    void gatherAndScatterAddWithRepeatedIndices() {
        Random r = new Random(8);
        for (DataType t : TYPES) {
            INDArray x = random(r, t, 5, 7);
            int[] index = new int[23];
            for (int i = 0; i < index.length; i++) {
                index[i] = r.nextInt(35);
            }
            assertSame(FAST.gather(x, index, new long[] {23}), REF.gather(x, index, new long[] {23}), t, "gather");
            INDArray v = random(r, t, 23);
            assertSame(FAST.scatterAdd(v, index, new long[] {5, 7}), REF.scatterAdd(v, index, new long[] {5, 7}), t, "scatterAdd");
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void broadcastArithmeticSmallAndLarge() {
        Random r = new Random(9);
        long[][][] pairs = {
            {{4, 5}, {4, 5}}, {{4, 5}, {5}}, {{5}, {4, 5}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {1, 4}}, {{1}, {3, 3}},
            {{300, 301}, {301}}, {{300, 301}, {300, 301}}, {{2, 1, 5}, {3, 1}}, {{0, 3}, {3}}
        };
        for (DataType t : TYPES) {
            for (long[][] pair : pairs) {
                INDArray a = random(r, t, pair[0]);
                INDArray b = random(r, t, pair[1]);
                if (a.length() > 0) {
                    a.putScalar(0, Double.NaN);
                }
                long[] shape = broadcast(pair[0], pair[1]);
                for (BinaryOp op : BinaryOp.values()) {
                    assertSame(FAST.binary(op, a, b, shape), REF.binary(op, a, b, shape), t,
                            op + " " + Arrays.toString(pair[0]) + " " + Arrays.toString(pair[1]));
                }
            }
        }
    }

    @Test
    void expandToABroadcastShape() {
        Random r = new Random(10);
        for (DataType t : TYPES) {
            INDArray a = random(r, t, 3, 1);
            assertSame(FAST.expand(a, new long[] {2, 3, 4}), REF.expand(a, new long[] {2, 3, 4}), t, "expand");
            // along trailing dims (global average pooling's backward), small and split over threads
            INDArray pooled = random(r, t, 5, 3, 1, 1);
            assertSame(FAST.expand(pooled, new long[] {5, 3, 7, 2}), REF.expand(pooled, new long[] {5, 3, 7, 2}), t, "expand trailing");
            INDArray wide = random(r, t, 9, 64, 1);
            assertSame(FAST.expand(wide, new long[] {9, 64, 300}), REF.expand(wide, new long[] {9, 64, 300}), t, "expand trailing, large");
        }
    }

    @Test
    void reluBelowAndAboveTheJavaLoopSize() {
        Random r = new Random(11);
        for (DataType t : TYPES) {
            for (int n : new int[] {1, 7, 100_003}) {
                INDArray x = random(r, t, n);
                assertSame(FAST.relu(x), REF.relu(x), t, "relu n=" + n);
            }
        }
    }

    @Test
    void reluBackwardAtEdgeValues() {
        Random r = new Random(12);
        double[] edges = {Float.MIN_VALUE, -Float.MIN_VALUE, 0.0, -0.0, Float.MAX_VALUE, -1, 1e-30};
        for (DataType t : TYPES) {
            for (int n : new int[] {edges.length, 70_001}) {
                INDArray y = random(r, t, n);
                for (int i = 0; i < edges.length; i++) {
                    y.putScalar(i, edges[i]);
                }
                INDArray gy = random(r, t, n);
                gy.putScalar(n - 1, Double.NaN); // a NaN gradient stays NaN where y > 0 and where y = 0 (0 * NaN)
                assertSame(FAST.reluBackward(gy, y), REF.reluBackward(gy, y), t, "reluBackward n=" + n);
            }
        }
    }

    @Test
    void logSoftmaxAndItsBackwardAlongEveryDim() {
        Random r = new Random(13);
        for (DataType t : TYPES) {
            INDArray x = random(r, t, 4, 3, 5).muli(30); // large logits: the max shift matters
            INDArray gy = random(r, t, 4, 3, 5);
            for (int dim = 0; dim < 3; dim++) {
                INDArray y = REF.logSoftmax(x, dim);
                assertSame(FAST.logSoftmax(x, dim), y, t, "logSoftmax dim " + dim);
                assertSame(FAST.logSoftmaxBackward(gy, y, dim), REF.logSoftmaxBackward(gy, y, dim), t, "logSoftmaxBackward dim " + dim);
            }
        }
    }

    // ---------------------------------------------------------------- reductions and shape

    @Test
    void batchNormalizationStatisticsForwardAndGradients() {
        Random r = new Random(21);
        // the last two: short rows summed several side by side with a partial last pass, and long
        // rows over more passes than the float32 accumulators take before float64 (Norms.SPAN, PASSES_PER_FLUSH)
        long[][] shapes = {{4, 3, 5, 7}, {2, 16, 8, 8}, {1, 5, 3, 3}, {3, 2, 9}, {6, 4, 1, 1}, {5, 3, 2, 2}, {2, 3, 40, 33}, {37, 3, 8, 8},
            {70, 2, 32, 33}};
        for (DataType t : TYPES) {
            for (long[] shape : shapes) {
                INDArray x = random(r, t, shape).muli(3).addi(2); // off-centre, to exercise the mean's removal
                INDArray gy = random(r, t, shape);
                INDArray w = random(r, t, shape[1]);
                INDArray b = random(r, t, shape[1]);
                String what = Arrays.toString(shape) + " " + t;
                INDArray[] fs = FAST.channelStatistics(x, 1e-5);
                INDArray[] rs = REF.channelStatistics(x, 1e-5);
                for (int i = 0; i < 3; i++) {
                    assertSame(fs[i], rs[i], t, "channelStatistics[" + i + "] " + what);
                }
                INDArray mean = rs[0];
                INDArray invStd = rs[1];
                assertSame(FAST.channelNormalize(x, mean, invStd, w, b), REF.channelNormalize(x, mean, invStd, w, b), t, "channelNormalize " + what);
                assertSame(FAST.channelNormalize(x, mean, invStd, null, null), REF.channelNormalize(x, mean, invStd, null, null), t,
                        "channelNormalize without affine " + what);
                INDArray[] fastSums = FAST.channelGradientSums(gy, x, mean, invStd);
                INDArray[] refSums = REF.channelGradientSums(gy, x, mean, invStd);
                assertSame(fastSums[0], refSums[0], t, "channelGradientSums sum(gy) " + what);
                assertSame(fastSums[1], refSums[1], t, "channelGradientSums sum(gy xhat) " + what);
                for (boolean batch : new boolean[] {true, false}) {
                    assertSame(FAST.batchNormInputGrad(gy, x, mean, invStd, w, batch), REF.batchNormInputGrad(gy, x, mean, invStd, w, batch), t,
                            "batchNormInputGrad batch=" + batch + " " + what);
                    assertSame(FAST.batchNormInputGrad(gy, x, mean, invStd, null, batch),
                            REF.batchNormInputGrad(gy, x, mean, invStd, null, batch), t, "batchNormInputGrad without w, batch=" + batch + " " + what);
                }
                // handed the sums (BatchNorm's bias and weight gradients): the same gradient as computing them
                int[] allButChannels = new int[shape.length - 1];
                for (int d = 2; d < shape.length; d++) {
                    allButChannels[d - 1] = d;
                }
                INDArray sumGy = REF.sum(gy, allButChannels, new long[] {shape[1]});
                INDArray sumGyXhat = refSums[1];
                INDArray whole = REF.batchNormInputGrad(gy, x, mean, invStd, w, true);
                assertSame(REF.batchNormInputGradFromSums(gy, x, mean, invStd, w, sumGy, sumGyXhat), whole, t, "reference from sums " + what);
                assertSame(FAST.batchNormInputGradFromSums(gy, x, mean, invStd, w, sumGy, sumGyXhat), whole, t, "fast from sums " + what);
                assertSame(FAST.batchNormInputGradFromSums(gy, x, mean, invStd, null, sumGy, sumGyXhat),
                        REF.batchNormInputGrad(gy, x, mean, invStd, null, true), t, "fast from sums without w " + what);
            }
        }
    }

    @Test
    void batchStatisticsOfFloat32AreAccurateFarFromZero() {
        // values 1000 + U(0, 1): a float32 sum of squares about zero would lose the variance (1/12) to cancellation
        Random r = new Random(22);
        double[] v = new double[8 * 2 * 16 * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1000 + r.nextDouble();
        }
        INDArray x32 = Nd4j.create(v, new long[] {8, 2, 16, 16}, DataType.DOUBLE).castTo(DataType.FLOAT);
        INDArray[] exact = REF.channelStatistics(x32.castTo(DataType.DOUBLE), 0); // of the same float32 values, in float64
        INDArray[] fast = FAST.channelStatistics(x32, 0);
        for (int c = 0; c < 2; c++) {
            double want = exact[2].getDouble(c);
            assertThat(fast[2].getDouble(c)).as("variance of channel " + c).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5 * want));
        }
    }

    @Test
    void sumsOverLeadingAllButOneAllAndNoDims() {
        Random r = new Random(14);
        int[][] dimSets = {{0}, {0, 1}, {0, 2, 3}, {1, 2, 3}, {0, 1, 2, 3}, {}, {2}, {1, 3}, {2, 3}, {3}};
        for (DataType t : TYPES) {
            INDArray x = random(r, t, 5, 3, 7, 2);
            for (int[] dims : dimSets) {
                long[] out = x.shape().clone();
                for (int d : dims) {
                    out[d] = 1;
                }
                assertSame(FAST.sum(x, dims, out), REF.sum(x, dims, out), t, "sum " + Arrays.toString(dims));
            }
            // a conv bias gradient big enough to be cut into chunks of samples, planes not a multiple of 8 long
            INDArray big = random(r, t, 9, 4, 30, 31);
            assertSame(FAST.sum(big, new int[] {0, 2, 3}, new long[] {1, 4, 1, 1}), REF.sum(big, new int[] {0, 2, 3}, new long[] {1, 4, 1, 1}), t,
                    "sum [0, 2, 3] of " + Arrays.toString(big.shape()));
            // global average pooling's sum over H and W, rows in several chunks
            assertSame(FAST.sum(big, new int[] {2, 3}, new long[] {9, 4, 1, 1}), REF.sum(big, new int[] {2, 3}, new long[] {9, 4, 1, 1}), t,
                    "sum [2, 3] of " + Arrays.toString(big.shape()));
        }
    }

    @Test
    void flipAnyDims() {
        Random r = new Random(15);
        for (DataType t : TYPES) {
            INDArray x = random(r, t, 2, 3, 4);
            for (int[] dims : new int[][] {{0}, {2}, {1, 2}, {0, 1, 2}}) {
                assertSame(FAST.flip(x, dims), REF.flip(x, dims), t, "flip " + Arrays.toString(dims));
            }
        }
    }

    // ---------------------------------------------------------------- linear algebra and in-place updates

    @Test
    void matmulWithEveryTransposeAndBatched() {
        Random r = new Random(16);
        for (DataType t : TYPES) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    INDArray a = ta ? random(r, t, 13, 7) : random(r, t, 7, 13);
                    INDArray b = tb ? random(r, t, 5, 13) : random(r, t, 13, 5);
                    assertSame(FAST.matmul(a, ta, b, tb), REF.matmul(a, ta, b, tb), t, "matmul " + ta + " " + tb);
                }
            }
            INDArray a3 = random(r, t, 2, 3, 4);
            INDArray b2 = random(r, t, 4, 6);
            assertSame(FAST.matmul(a3, false, b2, false), REF.matmul(a3, false, b2, false), t, "[2,3,4] @ [4,6]");
            INDArray b3 = random(r, t, 2, 4, 3);
            assertSame(FAST.matmul(a3, false, b3, false), REF.matmul(a3, false, b3, false), t, "batched");
            INDArray view = random(r, t, 9, 7).transpose(); // not dense: the fast kernels must not take it as dense
            INDArray m = random(r, t, 9, 4);
            assertSame(FAST.matmul(view, false, m, false), REF.matmul(view, false, m, false), t, "transposed view");
        }
    }

    @Test
    void axpyFillAndMomentumInPlace() {
        Random r = new Random(17);
        for (DataType t : TYPES) {
            INDArray x = random(r, t, 6, 5);
            INDArray y = random(r, t, 6, 5);
            INDArray yf = y.dup();
            INDArray yr = y.dup();
            FAST.axpy(-0.3, x, yf);
            REF.axpy(-0.3, x, yr);
            assertSame(yf, yr, t, "axpy");
            // activation-sized: split over the threads, the last chunk partial
            INDArray bigX = random(r, t, 3, 30001);
            INDArray bigF = random(r, t, 3, 30001);
            INDArray bigR = bigF.dup();
            FAST.axpy(1.5, bigX, bigF);
            REF.axpy(1.5, bigX, bigR);
            assertSame(bigF, bigR, t, "axpy over several chunks");
            FAST.fill(yf, 2.5);
            REF.fill(yr, 2.5);
            assertSame(yf, yr, t, "fill");
            for (boolean nesterov : new boolean[] {false, true}) {
                for (boolean first : new boolean[] {false, true}) {
                    INDArray q = random(r, t, 41);
                    INDArray gq = random(r, t, 41);
                    INDArray bq = random(r, t, 41);
                    INDArray qf = q.dup();
                    INDArray bqf = bq.dup();
                    double damp = nesterov ? 0 : 0.2;
                    FAST.sgdStep(qf, gq, bqf, 0.05, 0.9, damp, 0.01, nesterov, first);
                    REF.sgdStep(q, gq, bq, 0.05, 0.9, damp, 0.01, nesterov, first);
                    assertSame(qf, q, t, "sgdStep parameter, nesterov " + nesterov + ", first " + first);
                    assertSame(bqf, bq, t, "sgdStep buffer, nesterov " + nesterov + ", first " + first);
                }
            }
            INDArray q = random(r, t, 9);
            INDArray qf = q.dup();
            INDArray gq = random(r, t, 9);
            FAST.sgdStep(qf, gq, null, 0.1, 0, 0, 0.3, false, false);
            REF.sgdStep(q, gq, null, 0.1, 0, 0, 0.3, false, false);
            assertSame(qf, q, t, "sgdStep without momentum");
            for (boolean decoupled : new boolean[] {false, true}) {
                for (double wd : new double[] {0, 0.01}) {
                    INDArray pa = random(r, t, 37);
                    INDArray ga = random(r, t, 37);
                    INDArray ma = random(r, t, 37);
                    INDArray va = Transforms.abs(random(r, t, 37), false);
                    INDArray pf = pa.dup();
                    INDArray mf = ma.dup();
                    INDArray vf = va.dup();
                    FAST.adamStep(pf, ga, mf, vf, 1e-3, 0.9, 0.999, 1e-8, wd, decoupled, 3);
                    REF.adamStep(pa, ga, ma, va, 1e-3, 0.9, 0.999, 1e-8, wd, decoupled, 3);
                    String what = "adamStep, decoupled " + decoupled + ", weight decay " + wd;
                    assertSame(pf, pa, t, what + ": parameter");
                    assertSame(mf, ma, t, what + ": exp_avg");
                    assertSame(vf, va, t, what + ": exp_avg_sq");
                }
            }
        }
    }

    @Test
    void copiesBetweenJavaArraysAndNd4j() {
        Random r = new Random(18);
        float[] values = new float[40];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextFloat();
        }
        assertSame(FAST.fromFloats(values, new long[] {3, 4}), REF.fromFloats(values, new long[] {3, 4}), DataType.FLOAT, "fromFloats");
        for (DataType t : TYPES) {
            INDArray view = random(r, t, 4, 6).transpose();
            assertThat(FAST.toDoubles(view)).containsExactly(REF.toDoubles(view));
        }
        INDArray f = random(r, DataType.FLOAT, 3, 5).transpose();
        assertThat(FAST.toFloats(f)).containsExactly(REF.toFloats(f));
    }

    // ---------------------------------------------------------------- helpers

    private static INDArray random(Random r, DataType t, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return Nd4j.create(v, shape, t);
    }

    private static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    private static int countNaN(INDArray a) {
        int n = 0;
        for (double v : REF.toDoubles(a)) {
            n += Double.isNaN(v) ? 1 : 0;
        }
        return n;
    }

    /** Same shape and dtype, NaN in the same places, the other values equal within the dtype's tolerance. */
    private static void assertSame(INDArray fast, INDArray ref, DataType t, String what) {
        assertThat(fast.shape()).as(what + ": shape").containsExactly(ref.shape());
        assertThat(fast.dataType()).as(what + ": dtype").isEqualTo(t);
        assertThat(ref.dataType()).as(what + ": reference dtype").isEqualTo(t);
        double[] a = REF.toDoubles(fast);
        double[] b = REF.toDoubles(ref);
        double scale = 1e-30;
        for (double v : b) {
            if (Double.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double tol = (t == DataType.DOUBLE ? 1e-12 : 2e-5) * scale;
        for (int i = 0; i < b.length; i++) {
            if (Double.isNaN(b[i]) || Double.isNaN(a[i])) {
                assertThat(Double.isNaN(a[i])).as(what + ": NaN at " + i + " (fast " + a[i] + ", reference " + b[i] + ")")
                        .isEqualTo(Double.isNaN(b[i]));
            } else if (Double.isInfinite(b[i])) {
                assertThat(a[i]).as(what + "[" + i + "]").isEqualTo(b[i]);
            } else {
                assertThat(Math.abs(a[i] - b[i])).as(what + "[" + i + "]: fast " + a[i] + ", reference " + b[i]).isLessThanOrEqualTo(tol);
            }
        }
    }
}
