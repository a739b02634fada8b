package dev.adjoint.ops;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static dev.adjoint.autograd.GradCheck.assertGradients;
import static dev.adjoint.autograd.GradCheck.assertSecondOrder;
import static dev.adjoint.autograd.GradCheck.input;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Elementwise arithmetic with broadcasting and unary math: forward values worked out by hand, backward against central finite differences in float64 (first and second order). */
class ElementwiseOpsTest {
    private final Tensor a = f64(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    private final Tensor row = f64(new double[] {10, 20, 30}, 3);
    private final Tensor col = f64(new double[] {100, 200}, 2, 1);

    @Test
    void arithmeticBroadcasts() {
        assertValues(a.add(row), new long[] {2, 3}, new double[] {11, 22, 33, 14, 25, 36}, 0);
        assertValues(row.add(a), new long[] {2, 3}, new double[] {11, 22, 33, 14, 25, 36}, 0);
        assertValues(a.sub(col), new long[] {2, 3}, new double[] {-99, -98, -97, -196, -195, -194}, 0);
        assertValues(col.sub(a), new long[] {2, 3}, new double[] {99, 98, 97, 196, 195, 194}, 0);
        assertValues(row.mul(col), new long[] {2, 3}, new double[] {1000, 2000, 3000, 2000, 4000, 6000}, 0);
        assertValues(row.div(col), new long[] {2, 3}, new double[] {0.1, 0.2, 0.3, 0.05, 0.1, 0.15}, 1e-15);
        assertValues(a.mul(2).add(1).neg(), new long[] {2, 3}, new double[] {-3, -5, -7, -9, -11, -13}, 0);
        assertValues(f64(new double[] {1, 2}, 2).add(f64(new double[] {5}, new long[0])), new long[] {2}, new double[] {6, 7}, 0);
    }

    @Test
    void unaryMath() {
        Tensor x = f64(new double[] {-2, -0.5, 0.25, 3}, 4);
        assertValues(x.abs(), new long[] {4}, new double[] {2, 0.5, 0.25, 3}, 0);
        assertValues(x.pow(2), new long[] {4}, new double[] {4, 0.25, 0.0625, 9}, 1e-15);
        assertValues(x.exp(), new long[] {4}, new double[] {Math.exp(-2), Math.exp(-0.5), Math.exp(0.25), Math.exp(3)}, 1e-12);
        assertValues(x.abs().log(), new long[] {4}, new double[] {Math.log(2), Math.log(0.5), Math.log(0.25), Math.log(3)}, 1e-12);
        assertValues(x.abs().sqrt(), new long[] {4}, new double[] {Math.sqrt(2), Math.sqrt(0.5), 0.5, Math.sqrt(3)}, 1e-12);
        assertValues(x.clamp(-1, 1), new long[] {4}, new double[] {-1, -0.5, 0.25, 1}, 0);
        assertValues(x.relu(), new long[] {4}, new double[] {0, 0, 0.25, 3}, 0);
        assertValues(F.leakyRelu(x, 0.1), new long[] {4}, new double[] {-0.2, -0.05, 0.25, 3}, 1e-15);
        assertValues(x.sigmoid(), new long[] {4}, new double[] {1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(0.5)), 1 / (1 + Math.exp(-0.25)),
            1 / (1 + Math.exp(-3))}, 1e-12);
        assertValues(x.tanh(), new long[] {4}, new double[] {Math.tanh(-2), Math.tanh(-0.5), Math.tanh(0.25), Math.tanh(3)}, 1e-12);
    }

    @Test
    void binaryOpsWithBroadcasting() {
        Tensor a = input(1, 2, 3);
        Tensor b = input(2, 3);
        Tensor c = input(3, 2, 1);
        Tensor s = input(4);
        assertGradients(x -> x[0].add(x[1]), a, b);
        assertGradients(x -> x[0].sub(x[1]), c, a);
        assertGradients(x -> x[0].mul(x[1]), a, c);
        assertGradients(x -> x[0].mul(x[1]), s.reshape(new long[0]).detach().requiresGrad(true), a);
        assertGradients(x -> x[0].div(x[1].abs().add(0.5)), a, b);
        assertGradients(x -> x[0].div(x[1].abs().add(0.5)), input(5, 4, 1, 3), c);
    }

    @Test
    void unaryOps() {
        Tensor x = input(6, 3, 4);
        assertGradients(t -> t[0].neg(), x);
        assertGradients(t -> t[0].pow(3), x);
        assertGradients(t -> t[0].abs().add(0.1).pow(-1.5), x);
        assertGradients(t -> t[0].exp(), x);
        assertGradients(t -> t[0].abs().add(0.2).log(), x);
        assertGradients(t -> t[0].abs().add(0.2).sqrt(), x);
        assertGradients(t -> t[0].abs(), x);
        assertGradients(t -> t[0].clamp(-0.5, 0.3), x);
        assertGradients(t -> t[0].relu(), x);
        assertGradients(t -> F.leakyRelu(t[0], 0.2), x);
        assertGradients(t -> t[0].sigmoid(), x);
        assertGradients(t -> t[0].tanh(), x);
        assertGradients(t -> t[0].softmax(1), x);
        assertGradients(t -> t[0].softmax(0), x);
        assertGradients(t -> t[0].logSoftmax(1), x);
        assertGradients(t -> t[0].logSoftmax(-2), x);
    }

    @Test
    void secondOrderOfSmoothOps() {
        assertSecondOrder(t -> t[0].mul(t[1]).tanh(), input(24, 2, 3), input(25, 3));
        assertSecondOrder(t -> t[0].softmax(1).mul(t[0]), input(26, 2, 3));
        assertSecondOrder(t -> t[0].matmul(t[1]).sigmoid(), input(27, 2, 3), input(28, 3, 2));
        assertSecondOrder(t -> t[0].logSoftmax(1).exp().div(t[0].abs().add(1)), input(29, 2, 4));
        assertSecondOrder(t -> t[0].logSoftmax(0).exp().div(t[0].abs().add(1)), input(30, 3, 2));
    }
}
