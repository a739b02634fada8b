package dev.adjoint.ops;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static dev.adjoint.autograd.GradCheck.assertGradients;
import static dev.adjoint.autograd.GradCheck.input;
import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Reshape, permute, slices, padding, concatenation: forward values by hand, backward against finite differences. */
class ShapeOpsTest {
    private final Tensor a = f64(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    private final Tensor row = f64(new double[] {10, 20, 30}, 3);
    private final Tensor col = f64(new double[] {100, 200}, 2, 1);

    @Test
    void shapeOps() {
        assertValues(a.reshape(3, -1), new long[] {3, 2}, new double[] {1, 2, 3, 4, 5, 6}, 0);
        assertValues(a.t(), new long[] {3, 2}, new double[] {1, 4, 2, 5, 3, 6}, 0);
        Tensor c = Tensor.arange(DType.FLOAT64, 0, 24, 1).reshape(2, 3, 4);
        Tensor p = c.permute(2, 0, 1);
        assertThat(p.shape()).containsExactly(4, 2, 3);
        assertThat(p.toDoubleArray()[1]).isEqualTo(4); // p[0,0,1] = c[0,1,0]
        assertThat(c.flatten(1).shape()).containsExactly(2, 12);
        assertThat(a.unsqueeze(0).shape()).containsExactly(1, 2, 3);
        assertThat(a.unsqueeze(-1).shape()).containsExactly(2, 3, 1);
        assertThat(a.unsqueeze(1).squeeze(1).shape()).containsExactly(2, 3);
        assertValues(a.narrow(1, 1, 2), new long[] {2, 2}, new double[] {2, 3, 5, 6}, 0);
        assertValues(F.slice(a, 0, 1, 2), new long[] {1, 3}, new double[] {4, 5, 6}, 0);
        assertValues(F.concat(0, a, row.unsqueeze(0)), new long[] {3, 3}, new double[] {1, 2, 3, 4, 5, 6, 10, 20, 30}, 0);
        assertValues(F.concat(1, a, col), new long[] {2, 4}, new double[] {1, 2, 3, 100, 4, 5, 6, 200}, 0);
        assertValues(F.stack(1, row, row.mul(2)), new long[] {3, 2}, new double[] {10, 20, 20, 40, 30, 60}, 0);
        assertValues(F.pad(row.unsqueeze(0), new long[] {0, 1}, new long[] {0, 2}, -1), new long[] {1, 6},
                new double[] {-1, 10, 20, 30, -1, -1}, 0);
        assertValues(F.pad(a, new long[] {0, -1}, new long[] {1, 0}, 0), new long[] {3, 2}, new double[] {2, 3, 5, 6, 0, 0}, 0);
        assertValues(col.expand(2, 3), new long[] {2, 3}, new double[] {100, 100, 100, 200, 200, 200}, 0);
        assertValues(row.expand(2, 3), new long[] {2, 3}, new double[] {10, 20, 30, 10, 20, 30}, 0);
        assertValues(F.flip(a, 1), new long[] {2, 3}, new double[] {3, 2, 1, 6, 5, 4}, 0);
    }

    @Test
    void shapeOpsGradients() {
        Tensor x = input(17, 2, 3, 4);
        assertGradients(t -> t[0].reshape(4, -1), x);
        assertGradients(t -> t[0].flatten(1), x);
        assertGradients(t -> t[0].permute(2, 0, 1), x);
        assertGradients(t -> t[0].transpose(0, 2), x);
        assertGradients(t -> t[0].unsqueeze(1).squeeze(1), x);
        assertGradients(t -> t[0].narrow(2, 1, 2), x);
        assertGradients(t -> F.concat(1, t[0], t[1]), x, input(18, 2, 1, 4));
        assertGradients(t -> F.stack(0, t[0], t[1]), input(19, 3), input(20, 3));
        assertGradients(t -> F.pad(t[0], new long[] {0, 1, -1}, new long[] {1, 0, 2}, 0.5), x);
        assertGradients(t -> t[0].expand(2, 3, 4), input(21, 3, 1));
        assertGradients(t -> F.flip(t[0], 0, 2), x);
    }
}
