package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import dev.adjoint.ops.conv.ConvGeometry;
import java.util.Random;
import dev.adjoint.kernels.ConvParams;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.kernels.KernelSelection;
import dev.adjoint.kernels.KernelSelection;
import dev.adjoint.kernels.reference.ReferenceKernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.junit.jupiter.api.Test;

/**
 * The float32 kernels (per sample: {@link SampleKernels} through BLAS, {@link DirectKernels} in Java
 * loops) against the batched im2col + BLAS kernels, whose float64 results the PyTorch conformance
 * cases check: forward values and all three gradients, on random geometries (odd batch sizes split
 * unevenly over the two cores, channel counts that are not multiples of 4, strides, padding,
 * dilation, output padding), narrow layers (Java forward) and wide ones (BLAS forward).
 */
class FloatKernelsTest {
    /** The fast kernels with every convolution on the batched path (the float64 path the conformance cases check). */
    private static final Kernels BATCHED = new ReferenceKernels() {
        @Override
        public INDArray conv2d(INDArray x, INDArray w, INDArray b, long oh, long ow, ConvParams p) {
            return BatchedConv.conv2d(x, w, b, oh, ow, p);
        }

        @Override
        public INDArray convTranspose2d(INDArray x, INDArray w, INDArray b, long outH, long outW, ConvParams p) {
            return BatchedConv.convTranspose2d(x, w, b, outH, outW, p);
        }

        @Override
        public INDArray convWeightGrad(INDArray x, INDArray gy, long kh, long kw, ConvParams p) {
            return BatchedConv.convWeightGrad(x, gy, kh, kw, p);
        }
    };

    private record Result(double[] y, double[] gx, double[] gw, double[] gb) {
    }

    /**
     * With {@code fast}, the CPU kernels; {@code javaLoops} then makes narrow forwards take
     * {@link DirectKernels} whatever OpenBLAS runs (the CPU kernels choose them only when OpenBLAS
     * runs SSE-only kernels), so both per-sample paths are checked on every machine.
     */
    private static Result run(boolean transposed, Tensor x, Tensor w, Tensor b, int s, int p, int op, int d, boolean fast, boolean javaLoops) {
        boolean before = DirectKernels.FORCE;
        DirectKernels.FORCE = javaLoops;
        try (KernelSelection.Scope k = KernelSelection.use(fast ? new CpuKernels() : BATCHED)) {
            return runWith(transposed, x, w, b, s, p, op, d);
        } finally {
            DirectKernels.FORCE = before;
        }
    }

    private static Result runWith(boolean transposed, Tensor x, Tensor w, Tensor b, int s, int p, int op, int d) {
        Tensor xs = x.detach().requiresGrad(true);
        Tensor ws = w.detach().requiresGrad(true);
        Tensor bs = b.detach().requiresGrad(true);
        int[] st = {s, s};
        int[] pa = {p, p};
        int[] di = {d, d};
        Tensor y = transposed ? F.convTranspose2d(xs, ws, bs, st, pa, new int[] {op, op}, di, 1) : F.conv2d(xs, ws, bs, st, pa, di, 1);
        Tensor gy = Tensor.randn(99, DType.FLOAT32, y.shape());
        y.backward(gy);
        return new Result(y.toDoubleArray(), xs.grad().toDoubleArray(), ws.grad().toDoubleArray(), bs.grad().toDoubleArray());
    }

    private static void assertClose(double[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        double scale = 1e-6;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as(what + "[" + i + "]").isLessThanOrEqualTo(2e-5 * scale);
        }
    }

    @Test
    void narrowLayersAgreeWithTheBatchedKernelsOnRandomGeometries() {
        randomGeometries(2026, 60, 8, 9);
    }

    @Test
    void wideLayersAgreeWithTheBatchedKernelsOnRandomGeometries() {
        // more than DirectKernels.MAX_WEIGHTS weights in most draws: the forward goes through BLAS too
        randomGeometries(7, 12, 48, 48);
    }

    private static void randomGeometries(long seed, int cases, int maxCin, int maxCout) {
        Random r = new Random(seed);
        int checked = 0;
        while (checked < cases) {
            boolean transposed = r.nextInt(3) == 0;
            int n = 1 + r.nextInt(5);
            int cin = 1 + r.nextInt(r.nextBoolean() ? 3 : maxCin);
            int cout = 1 + r.nextInt(maxCout);
            int k = 1 + r.nextInt(5);
            int s = 1 + r.nextInt(3);
            int p = r.nextInt(3);
            int d = 1 + r.nextInt(2);
            int op = r.nextInt(Math.max(s, d));
            int size = 3 + r.nextInt(12);
            long[] wShape = transposed ? new long[] {cin, cout, k, k} : new long[] {cout, cin, k, k};
            try {
                if (transposed) {
                    ConvGeometry.convTranspose("convTranspose2d", new long[] {n, cin, size, size}, wShape, null, new int[] {s, s},
                            new int[] {p, p}, new int[] {op, op}, new int[] {d, d}, 1);
                } else {
                    ConvGeometry.conv("conv2d", new long[] {n, cin, size, size}, wShape, null, new int[] {s, s}, new int[] {p, p},
                            new int[] {d, d}, 1);
                }
            } catch (IllegalArgumentException invalid) {
                continue;
            }
            Tensor x = Tensor.randn(r.nextLong(), DType.FLOAT32, n, cin, size, size);
            Tensor w = Tensor.randn(r.nextLong(), DType.FLOAT32, wShape);
            Tensor b = Tensor.randn(r.nextLong(), DType.FLOAT32, cout);
            Result blas = run(transposed, x, w, b, s, p, op, d, false, false);
            String what = (transposed ? "convTranspose2d" : "conv2d") + " n=" + n + " cin=" + cin + " cout=" + cout + " k=" + k + " s=" + s
                    + " p=" + p + " d=" + d + " op=" + op + " size=" + size + ": ";
            for (boolean javaLoops : new boolean[] {true, false}) {
                Result fast = run(transposed, x, w, b, s, p, op, d, true, javaLoops);
                String how = what + (javaLoops ? "(Java loops) " : "(per-sample BLAS) ");
                assertClose(fast.y, blas.y, how + "y");
                assertClose(fast.gx, blas.gx, how + "gx");
                assertClose(fast.gw, blas.gw, how + "gw");
                assertClose(fast.gb, blas.gb, how + "gb");
            }
            checked++;
        }
    }

    @Test
    void lenetSizedForwardsTakeTheJavaLoopsAndWideOnesDoNot() {
        ConvParams p = new ConvParams(1, 1, 0, 0, 1, 1, 0, 0, 1);
        Tensor x = Tensor.zeros(1, 6, 14, 14);
        boolean before = DirectKernels.FORCE;
        DirectKernels.FORCE = false;
        try {
            // without the override, the Java loops are taken only over SSE-only OpenBLAS kernels
            assertThat(DirectKernels.suits(x.data(), 16 * 6 * 5 * 5, p)).isEqualTo(OpenBlasCore.javaLoopsAreFaster());
            DirectKernels.FORCE = true;
            shapesDecideTheRest(p, x);
        } finally {
            DirectKernels.FORCE = before;
        }
    }

    private static void shapesDecideTheRest(ConvParams p, Tensor x) {
        assertThat(DirectKernels.suits(x.data(), 16 * 6 * 5 * 5, p)).isTrue();
        assertThat(DirectKernels.suits(x.data(), 64 * 64 * 3 * 3, p)).isFalse();
        assertThat(DirectKernels.suits(Tensor.zeros(DType.FLOAT64, 1, 6, 14, 14).data(), 16 * 6 * 5 * 5, p)).isFalse();
        assertThat(DirectKernels.suits(x.data(), 16 * 6 * 5 * 5, new ConvParams(1, 1, 0, 0, 1, 1, 0, 0, 2))).isFalse();
        assertThat(SampleKernels.suits(x.data(), p)).isTrue();
        assertThat(SampleKernels.suits(Tensor.zeros(DType.FLOAT64, 1, 6, 14, 14).data(), p)).isFalse();
        assertThat(SampleKernels.suits(x.data(), new ConvParams(1, 1, 0, 0, 1, 1, 0, 0, 2))).isFalse();
    }
}
