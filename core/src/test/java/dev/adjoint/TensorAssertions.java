package dev.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Assertions on tensors shared by the tests: a tensor's shape and values within a tolerance, the largest difference of two, and float64 test tensors. */
public final class TensorAssertions {
    private TensorAssertions() {
    }

    /** Shape and values (row-major) within an absolute tolerance. */
    public static void assertValues(Tensor t, long[] shape, double[] expected, double tol) {
        assertThat(t.shape()).as("shape of " + t).containsExactly(shape);
        double[] got = t.toDoubleArray();
        assertThat(got.length).isEqualTo(expected.length);
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).as("element " + i + " of " + t).isCloseTo(expected[i], within(tol));
        }
    }

    /** Largest absolute difference of two same-shaped tensors. */
    public static double maxDiff(Tensor a, Tensor b) {
        assertThat(a.shape()).containsExactly(b.shape());
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    public static Tensor f64(double[] v, long... shape) {
        return Tensor.of(DType.FLOAT64, v, shape);
    }
}
