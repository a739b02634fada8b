package dev.adjoint.ops;

import static dev.adjoint.TensorAssertions.f64;
import static dev.adjoint.autograd.GradCheck.assertGradients;
import static dev.adjoint.autograd.GradCheck.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Losses against their definitions, and their gradients against finite differences. */
class LossOpsTest {
    @Test
    void lossesMatchTheirDefinitions() {
        Tensor logits = f64(new double[] {2, 0, -1, 0, 0, 3}, 2, 3);
        double l0 = -2 + Math.log(Math.exp(2) + 1 + Math.exp(-1));
        double l1 = -3 + Math.log(2 + Math.exp(3));
        assertThat(F.crossEntropy(logits, new int[] {0, 2}).item()).isCloseTo((l0 + l1) / 2, within(1e-12));
        Tensor x = f64(new double[] {1, 2, 3}, 3);
        Tensor t = f64(new double[] {0, 2, 5}, 3);
        assertThat(F.mseLoss(x, t).item()).isCloseTo((1 + 0 + 4) / 3.0, within(1e-15));
        assertThat(F.l1Loss(x, t).item()).isCloseTo((1 + 0 + 2) / 3.0, within(1e-15));
        Tensor z = f64(new double[] {-800, 0, 800}, 3);
        Tensor y = f64(new double[] {1, 1, 0}, 3);
        assertThat(F.binaryCrossEntropyWithLogits(z, y).item()).isCloseTo((800 + Math.log(2) + 800) / 3, within(1e-9));
    }

    @Test
    void losses() {
        Tensor logits = input(22, 4, 5);
        assertGradients(t -> F.crossEntropy(t[0], new int[] {0, 4, 2, 2}), logits);
        assertGradients(t -> F.nllLoss(t[0].logSoftmax(1), new int[] {1, 1, 3, 0}), logits);
        Tensor target = input(23, 4, 5).detach();
        assertGradients(t -> F.mseLoss(t[0], target), logits);
        assertGradients(t -> F.l1Loss(t[0], target), logits);
        Tensor bits = target.abs().detach();
        assertGradients(t -> F.binaryCrossEntropyWithLogits(t[0], bits), logits);
    }
}
