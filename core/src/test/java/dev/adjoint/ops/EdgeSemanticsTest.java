package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import org.junit.jupiter.api.Test;

/** Where PyTorch's edge semantics differed from adjoint's (issue 26), each against PyTorch 1.13's answer. */
class EdgeSemanticsTest {
    /** torch.arange(6.).reshape(2, 3) */
    private static Tensor x() {
        return Tensor.of(DType.FLOAT64, new double[] {0, 1, 2, 3, 4, 5}, 2, 3);
    }

    private static double[] grad(Tensor y, Tensor x) {
        return Autograd.grad(new Tensor[] {y.sum()}, new Tensor[] {x}, null, false, false)[0].toDoubleArray();
    }

    @Test
    void squeezeOfADimThatIsNotOneReturnsTheTensor() {
        assertThat(x().squeeze(0).shape()).containsExactly(2, 3); // torch: x.squeeze(0).shape == [2, 3]
        assertThat(Tensor.zeros(1, 3).squeeze(0).shape()).containsExactly(3);
    }

    @Test
    void narrowAndSliceCountNegativeBoundsFromTheEnd() {
        assertThat(F.narrow(x(), 1, -2, 2).toDoubleArray()).containsExactly(1, 2, 4, 5); // torch: x.narrow(1, -2, 2)
        assertThat(F.slice(x(), 1, -3, -1).toDoubleArray()).containsExactly(0, 1, 3, 4); // torch: x[:, -3:-1]
        assertThat(F.slice(x(), 1, -5, 2).toDoubleArray()).containsExactly(0, 1, 3, 4); // torch: x[:, -5:2]
        assertThat(F.slice(x(), 1, 1, 10).toDoubleArray()).containsExactly(1, 2, 4, 5); // torch: x[:, 1:10]
        assertThatThrownBy(() -> F.narrow(x(), 1, -4, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("narrow");
    }

    @Test
    void powWithExponentZeroHasAZeroGradientEvenAtZero() {
        Tensor t = Tensor.of(DType.FLOAT64, new double[] {0, 1, -2}, 3).requiresGrad(true);
        assertThat(grad(t.pow(0), t)).containsExactly(0, 0, 0); // torch: (t ** 0).sum().backward() -> [0, 0, 0]
    }

    @Test
    void clampWithMinAboveMaxGivesMaxEverywhereAndNoGradient() {
        Tensor t = Tensor.of(DType.FLOAT64, new double[] {0.5, 1.5, 3}, 3).requiresGrad(true);
        Tensor y = t.clamp(2, 1);
        assertThat(y.toDoubleArray()).containsExactly(1, 1, 1); // torch: torch.clamp(t, 2, 1) -> [1, 1, 1], grad [0, 0, 0]
        assertThat(grad(y, t)).containsExactly(0, 0, 0);
        assertThat(t.clamp(1, 2).toDoubleArray()).containsExactly(1, 1.5, 2);
    }

    @Test
    void flipRefusesARepeatedDim() {
        assertThatThrownBy(() -> F.flip(x(), 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than once");
        assertThatThrownBy(() -> F.flip(x(), 1, -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than once");
    }

    @Test
    void sumAndMeanOverNoDimsTakeAllOfThem() {
        assertThat(F.sum(x(), new int[0], false).item()).isEqualTo(15); // torch: torch.sum(x, dim=[]) -> 15
        assertThat(F.sum(x(), new int[0], true).shape()).containsExactly(1, 1); // keepdim: [1, 1]
        assertThat(F.mean(x(), new int[0], false).item()).isEqualTo(2.5);
    }

    @Test
    void zeroDimensionalTensorsTakeDimsMinusOneAndZero() {
        Tensor s = Tensor.scalar(3, DType.FLOAT64).requiresGrad(true);
        // torch: s.transpose(0, 0), s.transpose(-1, 0), s.mean(0), s.sum(0) are 3; s.mean(-1, keepdim=True).shape == []
        assertThat(s.transpose(0, 0).item()).isEqualTo(3);
        assertThat(s.transpose(-1, 0).shape()).isEmpty();
        assertThat(s.mean(0).item()).isEqualTo(3);
        assertThat(s.mean(-1, true).shape()).isEmpty();
        assertThat(s.sum(0).item()).isEqualTo(3);
        assertThat(grad(s.mean(0), s)).containsExactly(1);
        assertThatThrownBy(() -> s.mean(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-d");
    }
}
