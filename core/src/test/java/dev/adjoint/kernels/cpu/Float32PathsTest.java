package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import org.junit.jupiter.api.Test;

/**
 * Ops with a float32 loop of their own (for speed) against the same op in float64, which the
 * gradient checks and PyTorch conformance cases cover.
 */
class Float32PathsTest {
    private static void assertCloseToFloat64(Tensor f32, Tensor f64, double tolerance) {
        assertThat(f32.shape()).isEqualTo(f64.shape());
        assertThat(f32.dtype()).isEqualTo(DType.FLOAT32);
        double[] a = f32.toDoubleArray();
        double[] b = f64.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element " + i).isCloseTo(b[i], within(tolerance * Math.max(1, Math.abs(b[i]))));
        }
    }

    @Test
    void sumOverAllButOneDimension() {
        Tensor x64 = Tensor.randn(3, DType.FLOAT64, 5, 3, 7, 6);
        Tensor x32 = Tensor.randn(3, DType.FLOAT32, 5, 3, 7, 6);
        int[][] dimsList = {{0, 2, 3}, {3, 0, 1}, {1, 2, 3}, {0, 1, 2}};
        for (int[] dims : dimsList) {
            for (boolean keep : new boolean[] {false, true}) {
                assertCloseToFloat64(F.sum(x32, dims, keep), F.sum(x64, dims, keep), 1e-5);
            }
        }
        assertCloseToFloat64(F.sum(Tensor.randn(4, DType.FLOAT32, 4, 9), new int[] {1}, false),
                F.sum(Tensor.randn(4, DType.FLOAT64, 4, 9), new int[] {1}, false), 1e-5);
    }

    @Test
    void logSoftmaxOfRows() {
        Tensor x64 = Tensor.randn(5, DType.FLOAT64, 6, 10).mul(20);
        Tensor x32 = Tensor.randn(5, DType.FLOAT32, 6, 10).mul(20);
        assertCloseToFloat64(F.logSoftmax(x32, 1), F.logSoftmax(x64, 1), 1e-5);
        assertCloseToFloat64(F.logSoftmax(x32, -1), F.logSoftmax(x64, -1), 1e-5);
        Tensor y64 = Tensor.randn(6, DType.FLOAT64, 2, 3, 5).mul(20);
        Tensor y32 = Tensor.randn(6, DType.FLOAT32, 2, 3, 5).mul(20);
        assertCloseToFloat64(F.logSoftmax(y32, 2), F.logSoftmax(y64, 2), 1e-5);
        assertCloseToFloat64(F.logSoftmax(y32, 1), F.logSoftmax(y64, 1), 1e-5);
    }

    @Test
    void reluBackwardNamesMismatchedShapes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.adjoint.ops.activation.ReluBackward()
                .apply(Tensor.zeros(2, 3), Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reluBackward").hasMessageContaining("[2, 3]")
                .hasMessageContaining("[3, 2]");
        // a float64 gy must not be read as float32 by the Java loop
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.adjoint.ops.activation.ReluBackward()
                .apply(Tensor.zeros(DType.FLOAT64, 2, 3), Tensor.zeros(DType.FLOAT32, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reluBackward").hasMessageContaining("float64");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.adjoint.ops.activation.LogSoftmaxBackward(1)
                .apply(Tensor.zeros(2, 3), Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logSoftmaxBackward").hasMessageContaining("[2, 3]")
                .hasMessageContaining("[3, 2]");
    }
    /** Runs {@code op} in float32 and float64 on the same random inputs; compares values and every input's gradient. */
    private static void assertOpMatchesFloat64(java.util.function.Function<Tensor[], Tensor> op, double tolerance, long[]... shapes) {
        Tensor[] in32 = new Tensor[shapes.length];
        Tensor[] in64 = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            // away from zero, so a division stays well-conditioned
            in64[i] = Tensor.rand(10 + i, DType.FLOAT64, shapes[i]).add(0.5).requiresGrad(true);
            in32[i] = Tensor.rand(10 + i, DType.FLOAT32, shapes[i]).add(0.5).requiresGrad(true);
        }
        Tensor y32 = op.apply(in32);
        Tensor y64 = op.apply(in64);
        assertCloseToFloat64(y32, y64, tolerance);
        // a weighted sum, so every output element gets its own upstream gradient
        y32.mul(Tensor.randn(99, DType.FLOAT32, y32.shape())).sum().backward();
        y64.mul(Tensor.randn(99, DType.FLOAT64, y64.shape())).sum().backward();
        for (int i = 0; i < shapes.length; i++) {
            assertCloseToFloat64(in32[i].grad(), in64[i].grad(), tolerance);
        }
    }

    @Test
    void smallBroadcastArithmeticAndItsGradients() {
        long[][][] pairs = {
            {{4, 5}, {5}}, {{5}, {4, 5}}, {{4, 5}, {4, 5}}, {{2, 3, 4}, {1, 4}}, {{3, 4}, {2, 3, 4}}, {{4, 5}, {}},
            {{3, 1}, {1, 4}}, {{64, 120}, {120}}
        };
        for (long[][] p : pairs) {
            assertOpMatchesFloat64(t -> t[0].add(t[1]), 1e-5, p);
            assertOpMatchesFloat64(t -> t[0].sub(t[1]), 1e-5, p);
            assertOpMatchesFloat64(t -> t[0].mul(t[1]), 1e-5, p);
            assertOpMatchesFloat64(t -> t[0].div(t[1]), 1e-5, p);
        }
    }

    @Test
    void matmulThroughBlasWithTransposeFlags() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                long[] a = ta ? new long[] {7, 5} : new long[] {5, 7};
                long[] b = tb ? new long[] {3, 7} : new long[] {7, 3};
                assertOpMatchesFloat64(t -> F.matmul(t[0], ta, t[1], tb), 1e-5, a, b);
            }
        }
        assertOpMatchesFloat64(t -> F.linear(t[0], t[1], t[2]), 1e-5, new long[] {6, 4}, new long[] {3, 4}, new long[] {3});
    }

    @Test
    void reluAndItsBackwardSmallAndLargeAgainstFloat64() {
        assertOpMatchesFloat64(t -> t[0].sub(1).relu(), 1e-6, new long[] {64, 120});
        assertOpMatchesFloat64(t -> t[0].sub(1).relu(), 1e-6, new long[] {2, 6, 80, 80});
        assertOpMatchesFloat64(t -> t[0].sub(1).relu(), 1e-6, new long[] {3, 5, 71, 67}); // odd: uneven halves
    }

    @Test
    void reluBackwardPassesGyExactlyWhereYIsPositiveEvenTheSmallestSubnormal() {
        double[] edges = {Float.MIN_VALUE, 0.0, -0.0, 1e-30, 3.0, Float.MAX_VALUE, -2.0};
        for (int n : new int[] {7, Host.SMALL + 7 * 3}) {
            double[] y = new double[n];
            double[] gy = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = edges[i % edges.length];
                gy[i] = i + 1;
            }
            double[] gx = new dev.adjoint.ops.activation.ReluBackward()
                    .apply(Tensor.of(DType.FLOAT32, gy, n), Tensor.of(DType.FLOAT32, y, n)).toDoubleArray();
            for (int i = 0; i < n; i++) {
                double expected = y[i] > 0 ? gy[i] : 0.0;
                assertThat(gx[i]).as("n=%d, y=%s at %d", n, y[i], i).isEqualTo(expected);
            }
        }
    }

    @Test
    void crossEntropyValueAndGradient() {
        int[] target = {3, 0, 9, 9, 1, 5};
        assertOpMatchesFloat64(t -> F.crossEntropy(t[0].mul(4), target), 1e-5, new long[] {6, 10});
    }

    @Test
    void gradientsAccumulateAcrossBackwardPasses() {
        Tensor w32 = Tensor.randn(1, DType.FLOAT32, 4, 3).requiresGrad(true);
        Tensor w64 = Tensor.randn(1, DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor x32 = Tensor.randn(2, DType.FLOAT32, 5, 4);
        Tensor x64 = Tensor.randn(2, DType.FLOAT64, 5, 4);
        for (int pass = 0; pass < 3; pass++) {
            F.matmul(x32, w32).pow(2).sum().backward();
            F.matmul(x64, w64).pow(2).sum().backward();
        }
        assertCloseToFloat64(w32.grad(), w64.grad(), 1e-5);
        // and three passes are three times one pass
        Tensor once = Tensor.randn(1, DType.FLOAT64, 4, 3).requiresGrad(true);
        F.matmul(x64, once).pow(2).sum().backward();
        assertCloseToFloat64(w32.grad(), once.grad().mul(3), 1e-5);
    }

    @Test
    void zeroGradInPlaceKeepsTheStorageAndZeroes() {
        Tensor w = Tensor.randn(1, DType.FLOAT32, 4, 3).requiresGrad(true);
        Tensor x = Tensor.randn(2, DType.FLOAT32, 5, 4);
        F.matmul(x, w).pow(2).sum().backward();
        Tensor grad = w.grad();
        double[] first = grad.toDoubleArray();
        w.zeroGrad(false);
        assertThat(w.grad()).isSameAs(grad);
        assertThat(w.grad().toDoubleArray()).containsOnly(0.0);
        F.matmul(x, w).pow(2).sum().backward();
        assertThat(w.grad()).isSameAs(grad);
        assertThat(w.grad().toDoubleArray()).containsExactly(first);
        w.zeroGrad(true);
        assertThat(w.grad()).isNull();
    }
}
