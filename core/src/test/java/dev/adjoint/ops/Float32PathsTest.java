package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
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
    }
}
