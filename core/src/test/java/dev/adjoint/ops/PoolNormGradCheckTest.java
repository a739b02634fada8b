package dev.adjoint.ops;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static dev.adjoint.autograd.GradCheck.assertGradients;
import static dev.adjoint.autograd.GradCheck.assertSecondOrder;
import static dev.adjoint.autograd.GradCheck.input;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Pooling and batch normalisation: values by hand, gradients against finite differences. */
class PoolNormGradCheckTest {
    @Test
    void maxPoolPicksTheWindowMaximumAndPadsWithMinusInfinity() {
        Tensor x = f64(new double[] {1, 5, 2, 0, -1, -2, 3, 4, 7, 8, -9, 6, 0, 1, 2, 3}, 1, 1, 4, 4);
        assertValues(F.maxPool2d(x, 2), new long[] {1, 1, 2, 2}, new double[] {5, 4, 8, 6}, 0);
        Tensor neg = f64(new double[] {-1, -2, -3, -4}, 1, 1, 2, 2);
        assertValues(F.maxPool2d(neg, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}), new long[] {1, 1, 3, 3},
                new double[] {-1, -1, -2, -1, -1, -2, -3, -3, -4}, 0);
    }

    @Test
    void avgPoolCountsPaddingOrNot() {
        Tensor x = f64(new double[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertValues(F.avgPool2d(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, true), new long[] {1, 1, 2, 2},
                new double[] {0.25, 0.5, 0.75, 1}, 1e-15);
        assertValues(F.avgPool2d(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, false), new long[] {1, 1, 2, 2},
                new double[] {1, 2, 3, 4}, 1e-15);
    }

    @Test
    void poolingGradients() {
        Tensor x = input(1, 2, 3, 6, 5);
        assertGradients(t -> F.maxPool2d(t[0], 2), x);
        assertGradients(t -> F.maxPool2d(t[0], new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}), x);
        assertGradients(t -> F.avgPool2d(t[0], new int[] {3, 2}, new int[] {2, 3}, new int[] {1, 0}, true), x);
        assertGradients(t -> F.avgPool2d(t[0], new int[] {3, 3}, new int[] {1, 2}, new int[] {1, 1}, false), x);
        assertSecondOrder(t -> F.maxPool2d(t[0], 2).pow(2), input(2, 1, 2, 4, 4));
        assertSecondOrder(t -> F.avgPool2d(t[0], new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, false).pow(2), input(3, 1, 1, 3, 3));
    }

    @Test
    void batchNormTrainingGradients() {
        Tensor x = input(4, 3, 2, 3, 2);
        Tensor gamma = input(5, 2);
        Tensor beta = input(6, 2);
        assertGradients(t -> F.batchNorm2d(t[0], null, null, t[1], t[2], true, 0.1, 1e-5), x, gamma, beta);
        assertSecondOrder(t -> F.batchNorm2d(t[0], null, null, t[1], null, true, 0.1, 1e-5), x, gamma);
        Tensor mean = input(7, 2).detach();
        Tensor var = input(8, 2).detach().abs().add(0.5);
        assertGradients(t -> F.batchNorm2d(t[0], mean, var, t[1], t[2], false, 0.1, 1e-5), x, gamma, beta);
        // the fused function's backward is itself differentiated: with and without affine parameters, squared to curve it
        assertSecondOrder(t -> F.batchNorm2d(t[0], null, null, t[1], t[2], true, 0.1, 1e-5).pow(2), x, gamma, beta);
        assertSecondOrder(t -> F.batchNorm2d(t[0], null, null, null, null, true, 0.1, 1e-5).pow(2), input(11, 3, 2, 2, 3));
        assertSecondOrder(t -> F.batchNorm2d(t[0], mean, var, t[1], t[2], false, 0.1, 1e-5).pow(2), x, gamma, beta);
    }

    @Test
    void groupAndLayerNormGradientsIncludingSecondOrder() {
        Tensor x = input(12, 2, 4, 3, 2);
        Tensor w = input(13, 4);
        Tensor b = input(14, 4);
        assertGradients(t -> F.groupNorm(t[0], 2, t[1], t[2], 1e-5), x, w, b);
        assertSecondOrder(t -> F.groupNorm(t[0], 2, t[1], t[2], 1e-5).pow(2), x, w, b);
        Tensor y = input(15, 3, 2, 5);
        Tensor lw = input(16, 2, 5);
        Tensor lb = input(17, 2, 5);
        assertGradients(t -> F.layerNorm(t[0], new long[] {2, 5}, t[1], t[2], 1e-5), y, lw, lb);
        assertSecondOrder(t -> F.layerNorm(t[0], new long[] {5}, null, null, 1e-5).pow(2), y);
        assertThatThrownBy(() -> F.groupNorm(x, 3, null, null, 1e-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groups=3");
        assertThatThrownBy(() -> F.layerNorm(y, new long[] {4}, null, null, 1e-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layerNorm");
    }

    @Test
    void badPoolingArgumentsAreNamed() {
        Tensor x = input(9, 1, 1, 4, 4);
        assertThatThrownBy(() -> F.maxPool2d(x, new int[] {2, 2}, new int[] {0, 1}, new int[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPool2d").hasMessageContaining("stride");
        assertThatThrownBy(() -> F.avgPool2d(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 0}, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padding");
        assertThatThrownBy(() -> F.maxPool2d(x, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kernelSize");
        assertThatThrownBy(() -> F.batchNorm2d(input(10, 1, 2, 1, 1), null, null, null, null, true, 0.1, 1e-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than one value");
    }
}
