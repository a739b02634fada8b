package dev.adjoint.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipGradTest {
    @Test
    void scalesTheGradientsToTheMaximumNormAndReturnsTheNormBefore() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2).requiresGrad(true);
        Tensor b = Tensor.zeros(DType.FLOAT64, 1).requiresGrad(true);
        Tensor none = Tensor.zeros(DType.FLOAT64, 3).requiresGrad(true);
        a.setGrad(Tensor.of(DType.FLOAT64, new double[] {3, 4}, 2));
        b.setGrad(Tensor.of(DType.FLOAT64, new double[] {12}, 1));
        double norm = ClipGrad.clipGradNorm(List.of(a, b, none), 6.5); // sqrt(9 + 16 + 144) = 13
        assertThat(norm).isEqualTo(13.0);
        double coef = 6.5 / (13 + 1e-6);
        assertThat(a.grad().toDoubleArray()).containsExactly(new double[] {3 * coef, 4 * coef}, within(1e-15));
        assertThat(b.grad().toDoubleArray()[0]).isCloseTo(12 * coef, within(1e-15));
        assertThat(ClipGrad.clipGradNorm(List.of(a, b), 100)).isCloseTo(6.5, within(1e-5));
        assertThat(a.grad().toDoubleArray()[0]).as("under the maximum: unchanged").isCloseTo(3 * coef, within(1e-15));
    }
}
