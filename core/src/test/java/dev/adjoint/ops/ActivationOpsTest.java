package dev.adjoint.ops;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static dev.adjoint.autograd.GradCheck.assertGradients;
import static dev.adjoint.autograd.GradCheck.input;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Softmax and log-softmax: stable forward values for huge logits, and log-softmax's own backward differentiated in both inputs. */
class ActivationOpsTest {
    @Test
    void softmaxAndLogSoftmaxAreStableForHugeLogits() {
        Tensor x = f64(new double[] {1000, 1001, 1002, -5, 0, 5}, 2, 3);
        double e0 = Math.exp(-2);
        double e1 = Math.exp(-1);
        double s = e0 + e1 + 1;
        double[] expected = {e0 / s, e1 / s, 1 / s, Math.exp(-10) / (Math.exp(-10) + Math.exp(-5) + 1),
            Math.exp(-5) / (Math.exp(-10) + Math.exp(-5) + 1), 1 / (Math.exp(-10) + Math.exp(-5) + 1)};
        assertValues(x.softmax(1), new long[] {2, 3}, expected, 1e-12);
        double[] logs = new double[6];
        for (int i = 0; i < 6; i++) {
            logs[i] = Math.log(expected[i]);
        }
        assertValues(x.logSoftmax(1), new long[] {2, 3}, logs, 1e-12);
        assertValues(x.softmax(0).sum(new int[] {0}, false), new long[] {3}, new double[] {1, 1, 1}, 1e-12);
    }

    @Test
    void logSoftmaxBackwardInBothInputs() {
        // its own backward (LogSoftmax's double backward), along the last dim (Java rows) and another
        assertGradients(t -> new dev.adjoint.ops.activation.LogSoftmaxBackward(1).apply(t[0], t[1]), input(31, 3, 4), input(32, 3, 4));
        assertGradients(t -> new dev.adjoint.ops.activation.LogSoftmaxBackward(0).apply(t[0], t[1]), input(33, 3, 4), input(34, 3, 4));
    }
}
