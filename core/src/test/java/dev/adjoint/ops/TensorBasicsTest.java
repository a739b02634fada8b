package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.util.Arrays;
import java.util.Random;
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

    @Test
    void randomFloat32TensorsHoldTheGeneratorsValuesRoundedToFloat() {
        Random gauss = new Random(11);
        Random uniform = new Random(12);
        double[] normal = new double[2 * 3 * 4];
        double[] unit = new double[normal.length];
        for (int i = 0; i < normal.length; i++) {
            normal[i] = gauss.nextGaussian();
            unit[i] = uniform.nextDouble();
        }
        Tensor n32 = Tensor.randn(11, DType.FLOAT32, 2, 3, 4);
        assertThat(n32.shape()).containsExactly(2, 3, 4);
        assertThat(n32.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(n32.toDoubleArray()).containsExactly(Tensor.of(DType.FLOAT32, normal, 2, 3, 4).toDoubleArray());
        assertThat(Tensor.rand(12, DType.FLOAT32, 24).toDoubleArray()).containsExactly(Tensor.of(DType.FLOAT32, unit, 24).toDoubleArray());
        // float64 keeps the generator's doubles exactly; a 0-d float32 tensor is a scalar
        assertThat(Tensor.randn(11, DType.FLOAT64, 24).toDoubleArray()).containsExactly(normal);
        assertThat(Tensor.randn(11, DType.FLOAT32).dim()).isZero();
        assertThat(Tensor.randn(11, DType.FLOAT32).item()).isEqualTo((float) normal[0]);
    }

    @Test
    void largeRandomFloat32TensorsHoldEveryValueInOrder() {
        int n = 3 * 16 * 1024 + 5;
        Random gauss = new Random(13);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = (float) gauss.nextGaussian();
        }
        float[] actual = Tensor.randn(13, DType.FLOAT32, 5, n / 5 + 1).toFloatArray();
        assertThat(actual).hasSize(5 * (n / 5 + 1));
        assertThat(Arrays.copyOf(actual, n)).containsExactly(expected);
    }
}
