package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Tensor factories and printing. */
class TensorBasicsTest {
    @Test
    void factoriesAndPrinting() {
        assertThat(Tensor.zeros(2, 3).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.ones(DType.FLOAT64, 2).toDoubleArray()).containsExactly(1, 1);
        assertThat(Tensor.arange(4).toDoubleArray()).containsExactly(0, 1, 2, 3);
        assertThat(Tensor.rand(7, DType.FLOAT64, 3).toDoubleArray()).containsExactly(Tensor.rand(7, DType.FLOAT64, 3).toDoubleArray());
        Tensor big = Tensor.zeros(1000, 1000).requiresGrad(true);
        Tensor y = big.mul(2);
        assertThat(y.toString()).startsWith("Tensor[1000, 1000] float32 grad_fn=Mul#").contains("999994 more").hasSizeLessThan(200);
        assertThat(big.toString()).contains("leaf requires_grad");
    }
}
