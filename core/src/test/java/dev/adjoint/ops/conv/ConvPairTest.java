package dev.adjoint.ops.conv;

import static dev.adjoint.TensorAssertions.maxDiff;
import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradCheck;
import dev.adjoint.autograd.LinearOperators;
import dev.adjoint.ops.F;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the conv pair on many random configurations (1-D and 2-D, strides, padding, dilation, groups). */
class ConvPairTest {
    static Tensor conv(RandomConv c, Tensor x, Tensor w, Tensor b) {
        return c.sd() == 1
                ? F.conv1d(x, w, b, c.stride(), c.padding(), c.dilation(), c.groups())
                : F.conv2d(x, w, b, c.stride(), c.padding(), c.dilation(), c.groups());
    }

    static Tensor convT(RandomConv c, Tensor x, Tensor w, Tensor b, int[] outputPadding) {
        return c.sd() == 1
                ? F.convTranspose1d(x, w, b, c.stride(), c.padding(), outputPadding, c.dilation(), c.groups())
                : F.convTranspose2d(x, w, b, c.stride(), c.padding(), outputPadding, c.dilation(), c.groups());
    }

    @Test
    void convolutionAndTransposedConvolutionAreAdjoint() {
        Random r = new Random(1);
        for (int trial = 0; trial < 60; trial++) {
            RandomConv c = RandomConv.draw(r);
            Tensor w = Tensor.randn(trial, DType.FLOAT64, c.convWeightShape());
            LinearOperators.AdjointCheck check = LinearOperators.checkAdjoint(
                    x -> conv(c, x, w, null),
                    y -> convT(c, y, w, null, c.restoringOutputPadding()),
                    c.xShape(), 100 + trial);
            assertThat(check.deviation()).as(c + ": " + check).isLessThanOrEqualTo(1e-10);
        }
    }

    @Test
    void matrixOfConvIsTheTransposeOfTheMatrixOfConvTranspose() {
        Random r = new Random(2);
        for (int trial = 0; trial < 15; trial++) {
            RandomConv c = RandomConv.draw(r);
            Tensor w = Tensor.randn(trial, DType.FLOAT64, c.convWeightShape());
            long[] yShape = conv(c, Tensor.zeros(DType.FLOAT64, c.xShape()), w, null).shape();
            double[][] a = LinearOperators.matrix(x -> conv(c, x, w, null), c.xShape());
            double[][] at = LinearOperators.matrix(y -> convT(c, y, w, null, c.restoringOutputPadding()), yShape);
            double[][] t = LinearOperators.transpose(a);
            assertThat(at.length).isEqualTo(t.length);
            for (int i = 0; i < t.length; i++) {
                for (int j = 0; j < t[i].length; j++) {
                    assertThat(Math.abs(at[i][j] - t[i][j])).as(c + " entry " + i + "," + j).isLessThanOrEqualTo(1e-12);
                }
            }
        }
    }

    @Test
    void explainedAndFastTransposedConvolutionAgree() {
        Random r = new Random(3);
        for (int trial = 0; trial < 60; trial++) {
            RandomConv c = RandomConv.draw(r);
            Tensor x = Tensor.randn(trial, DType.FLOAT64, c.xShape());
            Tensor w = Tensor.randn(trial + 1000, DType.FLOAT64, c.transposeWeightShape());
            Tensor b = trial % 2 == 0 ? Tensor.randn(trial + 2000, DType.FLOAT64, c.cout()) : null;
            Tensor fast = convT(c, x, w, b, c.outputPadding());
            Tensor slow = F.convTransposeExplained(x, w, b, c.stride(), c.padding(), c.outputPadding(), c.dilation(), c.groups());
            assertThat(maxDiff(fast, slow)).as(c.toString()).isLessThanOrEqualTo(1e-12);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Random r = new Random(4);
        for (int trial = 0; trial < 12; trial++) {
            RandomConv c = RandomConv.draw(r);
            Tensor x = GradCheck.input(trial, c.xShape());
            Tensor wc = GradCheck.input(trial + 50, c.convWeightShape());
            Tensor wt = GradCheck.input(trial + 60, c.transposeWeightShape());
            Tensor b = GradCheck.input(trial + 70, c.cout());
            GradCheck.assertGradients(t -> conv(c, t[0], t[1], t[2]), x, wc, b);
            GradCheck.assertGradients(t -> convT(c, t[0], t[1], t[2], c.outputPadding()), x, wt, b);
        }
    }

    @Test
    void secondOrderGradientsMatchFiniteDifferences() {
        Random r = new Random(5);
        for (int trial = 0; trial < 6; trial++) {
            RandomConv c = RandomConv.draw(r);
            Tensor x = GradCheck.input(trial, c.xShape());
            Tensor wc = GradCheck.input(trial + 50, c.convWeightShape());
            Tensor wt = GradCheck.input(trial + 60, c.transposeWeightShape());
            GradCheck.assertSecondOrder(t -> conv(c, t[0], t[1], null), x, wc);
            GradCheck.assertSecondOrder(t -> convT(c, t[0], t[1], null, c.outputPadding()), x, wt);
            // gradient of a function of gx with respect to w and gy (a gradient penalty)
            Tensor gy = GradCheck.input(trial + 80, conv(c, x, wc, null).shape());
            Tensor xl = x.detach().requiresGrad(true);
            GradCheck.assertGradients(t -> {
                Tensor y = conv(c, xl, t[0], null);
                Tensor gx = Autograd.grad(new Tensor[] {y}, new Tensor[] {xl}, new Tensor[] {t[1]}, true, true)[0];
                return gx.pow(2);
            }, wc, gy);
        }
    }

    @Test
    void explainedFormIsDifferentiableToo() {
        Tensor x = GradCheck.input(1, 1, 2, 3, 3);
        Tensor w = GradCheck.input(2, 2, 1, 2, 2);
        GradCheck.assertGradients(t -> F.convTransposeExplained(t[0], t[1], null, new int[] {2, 2}, new int[] {1, 0}, new int[] {1, 0},
                new int[] {1, 1}, 1), x, w);
    }
}
