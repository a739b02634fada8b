package dev.adjoint.ops.conv;

import static dev.adjoint.TensorAssertions.assertValues;
import static dev.adjoint.TensorAssertions.f64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.LinearOperators;
import dev.adjoint.ops.F;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The worked examples of the articles adjoint started from, as readable tests. */
class SeedExamplesTest {
    static final Tensor KERNEL_113 = f64(new double[] {1, 1, 3}, 1, 1, 3);

    static Tensor convT1d(double[] input, int stride, int padding, int outputPadding) {
        return F.convTranspose1d(f64(input, 1, 1, input.length), KERNEL_113, null, stride, padding, outputPadding);
    }

    static long[] len(int n) {
        return new long[] {1, 1, n};
    }

    /** ConvTranspose1d with kernel [1, 1, 3]: each input element stamps a scaled copy of the kernel. */
    @Nested
    class KernelOneOneThree {
        @Test
        void singleInputGivesTheKernelItself() {
            assertValues(convT1d(new double[] {1}, 1, 0, 0), len(3), new double[] {1, 1, 3}, 0);
        }

        @Test
        void twoInputsAtStrideOneOverlap() {
            assertValues(convT1d(new double[] {1, 1}, 1, 0, 0), len(4), new double[] {1, 2, 4, 3}, 0);
        }

        @Test
        void stride4SpreadsTheCopiesApart() {
            assertValues(convT1d(new double[] {1, 1}, 4, 0, 0), len(7), new double[] {1, 1, 3, 0, 1, 1, 3}, 0);
        }

        @Test
        void stride4IsStride1OverTheZeroInsertedInput() {
            Tensor zeroInserted = convT1d(new double[] {1, 0, 0, 0, 1}, 1, 0, 0);
            assertValues(zeroInserted, len(7), new double[] {1, 1, 3, 0, 1, 1, 3}, 0);
            assertThat(zeroInserted.toDoubleArray()).containsExactly(convT1d(new double[] {1, 1}, 4, 0, 0).toDoubleArray());
        }

        @Test
        void padding1CropsOneElementFromEachEnd() {
            assertValues(convT1d(new double[] {1, 1}, 4, 1, 0), len(5), new double[] {1, 3, 0, 1, 1}, 0);
        }

        @Test
        void outputPadding1GivesBackOneElementAtTheFarEnd() {
            assertValues(convT1d(new double[] {1, 1}, 4, 1, 1), len(6), new double[] {1, 3, 0, 1, 1, 3}, 0);
        }

        @Test
        void outputPadding3AddsZerosBeyondTheLastCopy() {
            assertValues(convT1d(new double[] {1, 1}, 4, 1, 3), len(8), new double[] {1, 3, 0, 1, 1, 3, 0, 0}, 0);
        }
    }

    /**
     * 9x9 ones, kernel 1..9, stride 3: the windows tile the input exactly, so the input gradient
     * of conv for a gradient of ones is the kernel repeated 3x3 times, which is also the
     * transposed convolution of a 3x3 ones input.
     */
    @Test
    void nineByNineStride3InputGradientIsTransposedConvolutionOfOnes() {
        Tensor x = Tensor.ones(DType.FLOAT64, 1, 1, 9, 9).requiresGrad(true);
        Tensor k = Tensor.arange(DType.FLOAT64, 1, 10, 1).reshape(1, 1, 3, 3);
        Tensor y = F.conv2d(x, k, null, 3, 0);
        assertValues(y, new long[] {1, 1, 3, 3}, new double[] {45, 45, 45, 45, 45, 45, 45, 45, 45}, 0);
        Tensor gx = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, new Tensor[] {Tensor.ones(DType.FLOAT64, 1, 1, 3, 3)}, false, false)[0];
        Tensor t = F.convTranspose2d(Tensor.ones(DType.FLOAT64, 1, 1, 3, 3), k, null, 3, 0, 0);
        double[] tiled = new double[81];
        for (int r = 0; r < 9; r++) {
            for (int c = 0; c < 9; c++) {
                tiled[r * 9 + c] = (r % 3) * 3 + (c % 3) + 1;
            }
        }
        assertValues(gx, new long[] {1, 1, 9, 9}, tiled, 0);
        assertValues(t, new long[] {1, 1, 9, 9}, tiled, 0);
    }

    /** Length 6, filter (a1, a2), stride 2: the convolution is a 3x6 matrix A and the transposed one is A^T. */
    @Test
    void lengthSixStrideTwoIsAMatrixAndItsTranspose() {
        double a1 = 2;
        double a2 = -3;
        Tensor w = f64(new double[] {a1, a2}, 1, 1, 2);
        double[][] a = LinearOperators.matrix(x -> F.conv1d(x, w, null, 2, 0), 1, 1, 6);
        assertThat(a).isDeepEqualTo(new double[][] {
            {a1, a2, 0, 0, 0, 0},
            {0, 0, a1, a2, 0, 0},
            {0, 0, 0, 0, a1, a2}});
        double[][] at = LinearOperators.matrix(y -> F.convTranspose1d(y, w, null, 2, 0, 0), 1, 1, 3);
        assertThat(at).isDeepEqualTo(LinearOperators.transpose(a));
    }
}
