package dev.adjoint.ops;

import static dev.adjoint.autograd.GradCheck.assertGradients;
import static dev.adjoint.autograd.GradCheck.assertSecondOrder;
import static dev.adjoint.autograd.GradCheck.input;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Every op's backward against central finite differences in float64, with broadcasting shapes. */
class OpsGradCheckTest {
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

    @Test
    void reductions() {
        Tensor x = input(16, 2, 3, 4);
        assertGradients(t -> t[0].sum(), x);
        assertGradients(t -> t[0].sum(new int[] {1}, false), x);
        assertGradients(t -> t[0].sum(new int[] {0, 2}, true), x);
        assertGradients(t -> t[0].mean(), x);
        assertGradients(t -> t[0].mean(new int[] {-1}, false), x);
        assertGradients(t -> t[0].max(), x);
        assertGradients(t -> t[0].max(new int[] {1}, false), x);
        assertGradients(t -> t[0].max(new int[] {0, 2}, true), x);
    }

    @Test
    void shapeOps() {
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

    @Test
    void secondOrderOfSmoothOps() {
        assertSecondOrder(t -> t[0].mul(t[1]).tanh(), input(24, 2, 3), input(25, 3));
        assertSecondOrder(t -> t[0].softmax(1).mul(t[0]), input(26, 2, 3));
        assertSecondOrder(t -> t[0].matmul(t[1]).sigmoid(), input(27, 2, 3), input(28, 3, 2));
        assertSecondOrder(t -> t[0].logSoftmax(1).exp().div(t[0].abs().add(1)), input(29, 2, 4));
        assertSecondOrder(t -> t[0].logSoftmax(0).exp().div(t[0].abs().add(1)), input(30, 3, 2));
    }

    @Test
    void logSoftmaxBackwardInBothInputs() {
        // its own backward (LogSoftmax's double backward), along the last dim (Java rows) and another
        assertGradients(t -> new dev.adjoint.ops.activation.LogSoftmaxBackward(1).apply(t[0], t[1]), input(31, 3, 4), input(32, 3, 4));
        assertGradients(t -> new dev.adjoint.ops.activation.LogSoftmaxBackward(0).apply(t[0], t[1]), input(33, 3, 4), input(34, 3, 4));
    }
}
