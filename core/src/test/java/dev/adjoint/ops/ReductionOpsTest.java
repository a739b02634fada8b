package dev.adjoint.ops;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static dev.adjoint.autograd.GradCheck.assertGradients;
import static dev.adjoint.autograd.GradCheck.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Sums, means and maxima over all or some dims: forward values by hand, backward against finite differences. */
class ReductionOpsTest {
    private final Tensor a = f64(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    private final Tensor row = f64(new double[] {10, 20, 30}, 3);
    private final Tensor col = f64(new double[] {100, 200}, 2, 1);

    @Test
    void reductions() {
        assertThat(a.sum().item()).isEqualTo(21);
        assertThat(a.sum().shape()).isEmpty();
        assertValues(a.sum(new int[] {0}, false), new long[] {3}, new double[] {5, 7, 9}, 0);
        assertValues(a.sum(new int[] {1}, true), new long[] {2, 1}, new double[] {6, 15}, 0);
        assertValues(a.sum(new int[] {-1, 0}, false), new long[0], new double[] {21}, 0);
        assertThat(a.mean().item()).isCloseTo(3.5, within(1e-15));
        assertValues(a.mean(new int[] {1}, false), new long[] {2}, new double[] {2, 5}, 1e-15);
        assertThat(a.max().item()).isEqualTo(6);
        assertValues(a.max(new int[] {0}, true), new long[] {1, 3}, new double[] {4, 5, 6}, 0);
    }

    @Test
    void sumAndMeanAlongOneDim() {
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(x.mean(1).toDoubleArray()).containsExactly(2, 5);
        assertThat(x.mean(0, true).shape()).containsExactly(1, 3);
        assertThat(x.mean(0, true).toDoubleArray()).containsExactly(2.5, 3.5, 4.5);
        assertThat(x.sum(1, true).shape()).containsExactly(2, 1);
        assertThat(x.sum(-1).toDoubleArray()).containsExactly(6, 15);
    }

    @Test
    void reductionsGradients() {
        Tensor x = input(16, 2, 3, 4);
        assertGradients(t -> t[0].sum(), x);
        assertGradients(t -> t[0].sum(new int[] {1}, false), x);
        assertGradients(t -> t[0].sum(new int[] {0, 2}, true), x);
        assertGradients(t -> t[0].mean(), x);
        assertGradients(t -> t[0].mean(new int[] {-1}, false), x);
        assertGradients(t -> t[0].max(), x);
        assertGradients(t -> t[0].max(new int[] {1}, false), x);
        assertGradients(t -> t[0].max(new int[] {0, 2}, true), x);
    }
}
