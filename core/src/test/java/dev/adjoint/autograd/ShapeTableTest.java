package dev.adjoint.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Recorded functions share one array per shape, never the caller's own array. */
class ShapeTableTest {
    @Test
    void equalShapesGiveOneArrayThatTheCallerCannotChange() {
        long[] mine = {3, 1, 4, 1, 5, 9, 2, 6}; // a shape no other test records
        long[] shared = ShapeTable.shared(mine);
        assertThat(shared).containsExactly(3, 1, 4, 1, 5, 9, 2, 6).isNotSameAs(mine);
        assertThat(ShapeTable.shared(mine.clone())).isSameAs(shared);
        mine[0] = 7; // the caller reusing its array changes nothing recorded
        assertThat(ShapeTable.shared(new long[] {3, 1, 4, 1, 5, 9, 2, 6})).isSameAs(shared).startsWith(3);
    }

    @Test
    void twoGraphsOfTheSameShapesShareTheirShapeArrays() {
        Tensor w = Tensor.randn(1, DType.FLOAT64, 5, 7).requiresGrad(true);
        Function a = Tensor.randn(2, DType.FLOAT64, 5, 7).mul(w).creator();
        Function b = Tensor.randn(3, DType.FLOAT64, 5, 7).mul(w).creator();
        assertThat(a.inputShape(0)).containsExactly(5, 7).isSameAs(b.inputShape(0)).isSameAs(a.inputShape(1));
    }
}
