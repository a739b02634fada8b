package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** argmax, max(dim), topk, the comparisons and the metrics built on them, against PyTorch 1.13's answers. */
class SelectionOpsTest {
    private static final double NAN = Double.NaN;

    /** torch.tensor([[1., 3., 3., 0.], [nan, 2., 5., 5.], [-1., -1., -2., -3.]]) */
    private static Tensor x() {
        return Tensor.of(DType.FLOAT64, new double[] {1, 3, 3, 0, NAN, 2, 5, 5, -1, -1, -2, -3}, 3, 4);
    }

    @Test
    void maxAlongADimHasPyTorchsValuesAndIndices() {
        ValuesAndIndices m = x().max(1);
        // torch: x.max(1) -> values [3., nan, -1.], indices [1, 0, 0]
        assertThat(m.values().toDoubleArray()).containsExactly(3, NAN, -1);
        assertThat(m.indices().toIntArray()).containsExactly(1, 0, 0);
        // torch: x.max(0) -> values [nan, 3., 5., 5.], indices [1, 0, 1, 1]
        ValuesAndIndices m0 = x().max(0);
        assertThat(m0.values().toDoubleArray()).containsExactly(NAN, 3, 5, 5);
        assertThat(m0.indices().toIntArray()).containsExactly(1, 0, 1, 1);
        assertThat(x().max(1, true).values().shape()).containsExactly(3, 1);
        assertThat(x().argmax(1).toIntArray()).containsExactly(1, 0, 0); // torch: x.argmax(1) -> [1, 0, 0]
        assertThat(F.argmax(Tensor.of(DType.FLOAT64, new double[] {0, 7, 7, 2}, 2, 2)).toIntArray()).containsExactly(1);
    }

    @Test
    void theGradientOfMaxGoesToTheReturnedIndexOnly() {
        Tensor t = Tensor.of(DType.FLOAT64, new double[] {1, 3, 3, 0, 2, 5, 5, 4}, 2, 4).requiresGrad(true);
        Tensor g = Autograd.grad(new Tensor[] {t.max(1).values().sum()}, new Tensor[] {t}, null, false, false)[0];
        // torch: x.max(1).values.sum().backward() -> x.grad [[0, 1, 0, 0], [0, 1, 0, 0]] (ties are not split)
        assertThat(g.toDoubleArray()).containsExactly(0, 1, 0, 0, 0, 1, 0, 0);
    }

    @Test
    void topkReturnsTheLargestFirst() {
        Tensor t = Tensor.of(DType.FLOAT64, new double[] {0.5, -2, 7, 3, 1, 9, 4, 8}, 2, 4);
        ValuesAndIndices top = t.topk(2, 1);
        // torch: t.topk(2, 1) -> values [[7, 3], [9, 8]], indices [[2, 3], [1, 3]]
        assertThat(top.values().toDoubleArray()).containsExactly(7, 3, 9, 8);
        assertThat(top.indices().toIntArray()).containsExactly(2, 3, 1, 3);
        assertThat(top.values().shape()).containsExactly(2, 2);
        assertThatThrownBy(() -> t.topk(5, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topk").hasMessageContaining("k=5");
    }

    @Test
    void comparisonsBroadcastAndGiveZerosAndOnes() {
        Tensor a = Tensor.of(DType.FLOAT32, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(DType.FLOAT32, new double[] {2, 2, 5}, 3);
        // torch: a.eq(b) -> [[0,1,0],[0,0,0]]; a.lt(b) -> [[1,0,1],[0,0,0]]; a.ge(b) -> [[0,1,0],[1,1,1]]
        assertThat(a.eq(b).toDoubleArray()).containsExactly(0, 1, 0, 0, 0, 0);
        assertThat(a.lt(b).toDoubleArray()).containsExactly(1, 0, 1, 0, 0, 0);
        assertThat(a.ge(b).toDoubleArray()).containsExactly(0, 1, 0, 1, 1, 1);
        assertThat(a.gt(3).toDoubleArray()).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(a.le(2).toDoubleArray()).containsExactly(1, 1, 0, 0, 0, 0);
        assertThat(a.ne(b).sum().item()).isEqualTo(5);
        assertThat(Tensor.of(NAN).eq(Tensor.of(NAN)).item()).as("NaN equals nothing").isZero();
        assertThat(a.requiresGrad(true).gt(1).requiresGrad()).isFalse();
        assertThatThrownBy(() -> a.eq(Tensor.zeros(4))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eq");
    }

    @Test
    void metricsFromLogits() {
        Tensor logits = Tensor.of(DType.FLOAT32, new double[] {2, 1, 0, 0, 3, 1, 1, 0, 2, 5, 4, 0}, 4, 3);
        int[] labels = {0, 2, 2, 1};
        assertThat(Metrics.accuracy(logits, labels)).isEqualTo(0.5); // rows predict 0, 1, 2, 0
        assertThat(Metrics.correct(logits, labels)).isEqualTo(2);
        assertThat(Metrics.topKAccuracy(logits, labels, 2)).isEqualTo(1.0); // row 1: [1, 2] holds 2; row 3: [0, 1] holds 1
        assertThat(Metrics.confusionMatrix(logits, labels)).isDeepEqualTo(new long[][] {{1, 0, 0}, {1, 0, 0}, {0, 1, 1}});
        assertThatThrownBy(() -> Metrics.accuracy(logits, new int[] {0, 1, 3, 0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 2 is 3");
    }
}
