package dev.adjoint.ops;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static dev.adjoint.autograd.GradCheck.assertGradients;
import static dev.adjoint.autograd.GradCheck.assertSecondOrder;
import static dev.adjoint.autograd.GradCheck.input;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Matrix products (2-D, batched, shared operands): forward values by hand, backward against finite differences. */
class LinalgOpsTest {
    private final Tensor a = f64(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    private final Tensor row = f64(new double[] {10, 20, 30}, 3);
    private final Tensor col = f64(new double[] {100, 200}, 2, 1);

    @Test
    void matmulTwoDimensionalBatchedAndShared() {
        Tensor b = f64(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertValues(a.matmul(b), new long[] {2, 2}, new double[] {4, 5, 10, 11}, 0);
        Tensor batch = F.stack(0, a, a.mul(2));
        assertValues(batch.matmul(b), new long[] {2, 2, 2}, new double[] {4, 5, 10, 11, 8, 10, 20, 22}, 0);
        Tensor bb = F.stack(0, b, b.mul(-1));
        assertValues(batch.matmul(bb), new long[] {2, 2, 2}, new double[] {4, 5, 10, 11, -8, -10, -20, -22}, 0);
        assertValues(F.matmul(a, true, a, false), new long[] {3, 3}, new double[] {17, 22, 27, 22, 29, 36, 27, 36, 45}, 0);
        assertValues(F.matmul(a, false, a, true), new long[] {2, 2}, new double[] {14, 32, 32, 77}, 0);
        Tensor w = f64(new double[] {1, 1, 1, 0, 1, 0}, 2, 3);
        Tensor bias = f64(new double[] {0.5, -0.5}, 2);
        assertValues(F.linear(a, w, bias), new long[] {2, 2}, new double[] {6.5, 1.5, 15.5, 4.5}, 0);
    }

    @Test
    void linearAlgebra() {
        assertGradients(t -> t[0].matmul(t[1]), input(7, 2, 3), input(8, 3, 4));
        assertGradients(t -> t[0].matmul(t[1]), input(9, 2, 2, 3), input(10, 2, 3, 4));
        assertGradients(t -> t[0].matmul(t[1]), input(11, 2, 2, 3), input(12, 3, 4));
        assertGradients(t -> F.linear(t[0], t[1], t[2]), input(13, 5, 3), input(14, 2, 3), input(15, 2));
        assertGradients(t -> F.linear(t[0], t[1], null), input(30, 2, 5, 3), input(31, 2, 3));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? input(32, 3, 2) : input(32, 2, 3);
                Tensor b = tb ? input(33, 4, 3) : input(33, 3, 4);
                assertGradients(t -> F.matmul(t[0], ta, t[1], tb), a, b);
                assertSecondOrder(t -> F.matmul(t[0], ta, t[1], tb).tanh(), a, b);
            }
        }
    }
}
