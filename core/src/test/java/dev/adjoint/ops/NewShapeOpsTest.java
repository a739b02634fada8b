package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cat, chunk, split, flatten(start, end), maskedFill and expand with -1, against PyTorch 1.13's shapes and values. */
class NewShapeOpsTest {
    private static Tensor arange(long... shape) {
        return Tensor.arange(DType.FLOAT64, 0, dev.adjoint.Shapes.numel(shape), 1).reshape(shape);
    }

    @Test
    void chunkAndSplitAsPyTorchCutsThem() {
        Tensor x = arange(2, 5);
        // torch: x.chunk(3, 1) -> [2,2], [2,2], [2,1]; torch.arange(6.).chunk(4) -> three of [2]; x.split([1, 4], 1) -> [2,1], [2,4]
        assertThat(x.chunk(3, 1).stream().map(t -> t.shape()[1]).toList()).containsExactly(2L, 2L, 1L);
        assertThat(arange(6).chunk(4, 0)).hasSize(3);
        assertThat(x.split(2, 1).stream().map(t -> t.shape()[1]).toList()).containsExactly(2L, 2L, 1L);
        List<Tensor> parts = F.split(x, new long[] {1, 4}, 1);
        assertThat(parts.get(1).toDoubleArray()).containsExactly(1, 2, 3, 4, 6, 7, 8, 9);
        assertThat(F.cat(parts, 1).toDoubleArray()).containsExactly(x.toDoubleArray());
        assertThatThrownBy(() -> F.split(x, new long[] {1, 3}, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add up to 4");
        // gradients flow back through every piece: sum of the pieces' sums is the sum of x
        Tensor g = Tensor.ones(DType.FLOAT64, 2, 5).requiresGrad(true);
        Tensor total = g.chunk(3, 1).stream().map(Tensor::sum).reduce(Tensor::add).orElseThrow();
        assertThat(Autograd.grad(new Tensor[] {total}, new Tensor[] {g}, null, false, false)[0].toDoubleArray()).containsOnly(1.0);
    }

    @Test
    void flattenARangeOfDims() {
        Tensor y = arange(2, 3, 4);
        assertThat(y.flatten(1, 2).shape()).containsExactly(2, 12); // torch: y.flatten(1, 2)
        assertThat(y.flatten(0, 1).shape()).containsExactly(6, 4);
        assertThat(y.flatten(0, -1).shape()).containsExactly(24);
        assertThat(Tensor.scalar(2).flatten(0, 0).shape()).containsExactly(1);
    }

    @Test
    void maskedFillReplacesWhereTheMaskHoldsAndBlocksTheGradientThere() {
        Tensor a = Tensor.of(DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor m = Tensor.of(DType.FLOAT64, new double[] {1, 0, 1}, 3);
        Tensor r = a.maskedFill(m, -1.5);
        // torch: a.masked_fill(m, -1.5) -> [[-1.5, 2, -1.5], [-1.5, 5, -1.5]], grad [[0, 1, 0], [0, 1, 0]]
        assertThat(r.toDoubleArray()).containsExactly(-1.5, 2, -1.5, -1.5, 5, -1.5);
        assertThat(Autograd.grad(new Tensor[] {r.sum()}, new Tensor[] {a}, null, false, false)[0].toDoubleArray()).containsExactly(0, 1, 0, 0, 1, 0);
        // torch: a.masked_fill(m, -inf).softmax(1) -> [[0, 1, 0], [0, 1, 0]] (an attention mask)
        assertThat(a.maskedFill(m, Double.NEGATIVE_INFINITY).softmax(1).toDoubleArray()).containsExactly(0, 1, 0, 0, 1, 0);
    }

    @Test
    void expandKeepsASizeForMinusOne() {
        assertThat(Tensor.zeros(3, 1).expand(-1, 4).shape()).containsExactly(3, 4); // torch: zeros(3, 1).expand(-1, 4)
        assertThat(Tensor.zeros(1, 3).expand(2, -1, 3).shape()).containsExactly(2, 1, 3);
        assertThatThrownBy(() -> Tensor.zeros(3).expand(-1, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expand");
    }

    @Test
    void matmulAsTorchMatmulWithVectorsAndBroadcastBatchDims() {
        Tensor a = Tensor.of(DType.FLOAT64, new double[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(DType.FLOAT64, new double[] {4, 5, 6}, 3);
        Tensor m = arange(2, 3);
        // torch: matmul(a, b) -> 32 (0-d); matmul(a, m.T) -> [8, 26]; matmul(m, a) -> [8, 26]
        assertThat(F.matmul(a, b).shape()).isEmpty();
        assertThat(F.matmul(a, b).item()).isEqualTo(32);
        assertThat(F.matmul(a, m.transpose(0, 1)).toDoubleArray()).containsExactly(8, 26);
        assertThat(F.matmul(m, a).toDoubleArray()).containsExactly(8, 26);
        // torch: matmul(arange(6).reshape(1, 2, 3), arange(24).reshape(2, 3, 4) / 10)
        Tensor big = arange(2, 3, 4).div(10);
        double[] want = {2.0, 2.3, 2.6, 2.9, 5.6, 6.8, 8.0, 9.2, 5.6, 5.9, 6.2, 6.5, 20.0, 21.2, 22.4, 23.6};
        double[] got = F.matmul(arange(1, 2, 3), big).toDoubleArray();
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], org.assertj.core.api.Assertions.within(1e-12));
        }
        assertThat(F.matmul(m, big).shape()).containsExactly(2, 2, 4); // [m, k] @ [B, k, n]
        assertThat(F.matmul(a, big).shape()).containsExactly(2, 4); // [k] @ [B, k, n]
        dev.adjoint.autograd.GradCheck.assertGradients(t -> F.matmul(t[0], t[1]), dev.adjoint.autograd.GradCheck.input(1, 1, 2, 3),
                dev.adjoint.autograd.GradCheck.input(2, 4, 3, 2));
        dev.adjoint.autograd.GradCheck.assertGradients(t -> F.matmul(t[0], t[1]), dev.adjoint.autograd.GradCheck.input(3, 3),
                dev.adjoint.autograd.GradCheck.input(4, 2, 3, 2));
    }
}
