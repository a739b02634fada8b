package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.kernels.ConvParams;
import dev.adjoint.kernels.KernelSelection;
import dev.adjoint.kernels.Kernels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shapes KernelEquivalenceTest compares for the depthwise and normalization kernels really take
 * those paths (else the comparison would hold the reference kernels to themselves), and the others do not.
 */
class NewPathsTakenTest {
    @Test
    void depthwiseConvolutionsTakeTheirLoopsAndOnlyThey() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 5, 7, 6);
        INDArray w = Nd4j.rand(DataType.FLOAT, 5, 1, 3, 3);
        INDArray gy = Nd4j.rand(DataType.FLOAT, 2, 5, 7, 6);
        ConvParams depthwise = new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 5);
        assertThat(Depthwise.suitsConv(x, w, depthwise)).isTrue();
        assertThat(Depthwise.suitsTranspose(x, w, depthwise)).isTrue();
        assertThat(Depthwise.suitsWeightGrad(x, gy, depthwise)).isTrue();
        ConvParams plain = new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1);
        assertThat(Depthwise.suitsConv(x, Nd4j.rand(DataType.FLOAT, 4, 5, 3, 3), plain)).isFalse();
        assertThat(Depthwise.suitsConv(x.castTo(DataType.DOUBLE), w.castTo(DataType.DOUBLE), depthwise)).isFalse();
        assertThat(Depthwise.suitsConv(x, Nd4j.rand(DataType.FLOAT, 10, 1, 3, 3), depthwise)).as("two filters per channel").isFalse();
    }

    @Test
    void normalizationTakesItsLoopsForFloat32RowsOfEightOrMore() {
        assertThat(Norms.statistics(Nd4j.rand(DataType.FLOAT, 4, 3, 5, 7), 1e-5)).isNotNull();
        assertThat(Norms.statistics(Nd4j.rand(DataType.FLOAT, 3, 2, 9), 1e-5)).isNotNull();
        assertThat(Norms.statistics(Nd4j.rand(DataType.DOUBLE, 4, 3, 5, 7), 1e-5)).isNull();
        assertThat(Norms.statistics(Nd4j.rand(DataType.FLOAT, 6, 4, 1, 1), 1e-5)).as("rows of one value").isNull();
    }
    @Test
    void strideOneConvolutionsWithManyChannelsOrPointwiseTakeTheShiftedProducts() {
        INDArray x16 = Nd4j.rand(DataType.FLOAT, 2, 16, 17, 18);
        INDArray w3 = Nd4j.rand(DataType.FLOAT, 8, 16, 3, 3);
        ConvParams pad1 = new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1);
        assertThat(ShiftedConv.suitsConv(x16, w3, pad1)).isTrue();
        assertThat(ShiftedConv.suitsWeightGrad(x16, Nd4j.rand(DataType.FLOAT, 2, 8, 17, 18), pad1, 3, 3)).isTrue();
        assertThat(ShiftedConv.suitsTranspose(x16, Nd4j.rand(DataType.FLOAT, 16, 8, 3, 3), 17, 18, pad1)).isTrue();
        INDArray x3 = Nd4j.rand(DataType.FLOAT, 2, 3, 7, 6);
        assertThat(ShiftedConv.suitsConv(x3, Nd4j.rand(DataType.FLOAT, 8, 3, 3, 3), pad1)).as("three channels").isFalse();
        assertThat(ShiftedConv.suitsConv(x3, Nd4j.rand(DataType.FLOAT, 8, 3, 1, 1), new ConvParams(1, 1, 0, 0, 1, 1, 0, 0, 1)))
                .as("pointwise").isTrue();
        assertThat(ShiftedConv.suitsConv(x16, w3, new ConvParams(2, 2, 1, 1, 1, 1, 0, 0, 1))).as("stride 2").isFalse();
        assertThat(ShiftedConv.suitsConv(x16.castTo(DataType.DOUBLE), w3.castTo(DataType.DOUBLE), pad1)).as("float64").isFalse();
        assertThat(ShiftedConv.suitsTranspose(x16, Nd4j.rand(DataType.FLOAT, 16, 8, 3, 3), 13, 18, new ConvParams(1, 1, 3, 1, 1, 1, 0, 0, 1)))
                .as("padding past the kernel's reach").isFalse();
    }

    @Test
    void imagesOf8x8KeepIm2colAnd16x16TakeTheShiftedProducts() {
        // with padding 1 the padded width costs 11% extra work at 8x8 (rows share their padding), 6% at 16x16
        ShiftedConv.Geometry eight = new ShiftedConv.Geometry(64, 8, 8, 1, 1, 3, 3, 1, 1);
        ShiftedConv.Geometry sixteen = new ShiftedConv.Geometry(32, 16, 16, 1, 1, 3, 3, 1, 1);
        assertThat(ShiftedConv.worthIt(eight)).as("8x8").isFalse();
        assertThat(ShiftedConv.worthIt(sixteen)).as("16x16").isTrue();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 64, 8, 8);
        INDArray w = Nd4j.rand(DataType.FLOAT, 64, 64, 3, 3);
        ConvParams pad1 = new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1);
        assertThat(ShiftedConv.suitsConv(x, w, pad1)).as("forward on " + OpenBlasCore.describe()).isFalse();
        assertThat(ShiftedConv.suitsTranspose(x, w, 8, 8, pad1)).as("input gradient on " + OpenBlasCore.describe()).isFalse();
        assertThat(ShiftedConv.suitsWeightGrad(x, x, pad1, 3, 3)).as("weight gradient").isFalse();
        assertThat(SampleKernels.suitsTransposeAsConv(x, w, pad1)).as("the input gradient as im2col's convolution").isTrue();
    }

    @Test
    void shiftedProductsOnSmallImagesMatchTheReferenceKernels() {
        Kernels ref = KernelSelection.reference();
        for (int hw : new int[] {8, 7}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 3, 16, hw, hw).subi(0.5);
            INDArray w = Nd4j.rand(DataType.FLOAT, 12, 16, 3, 3).subi(0.5);
            INDArray b = Nd4j.rand(DataType.FLOAT, 12);
            ConvParams pad1 = new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1);
            assertClose(ShiftedConv.conv2d(x, w, b, hw, hw, pad1), ref.conv2d(x, w, b, hw, hw, pad1), "conv2d at " + hw + "x" + hw);
            INDArray gy = Nd4j.rand(DataType.FLOAT, 3, 12, hw, hw).subi(0.5);
            assertClose(ShiftedConv.convTranspose2d(gy, w, null, hw, hw, pad1), ref.convTranspose2d(gy, w, null, hw, hw, pad1),
                    "convTranspose2d at " + hw + "x" + hw);
        }
    }

    private static void assertClose(INDArray fast, INDArray ref, String what) {
        assertThat(fast.shape()).as(what).containsExactly(ref.shape());
        double scale = ref.amaxNumber().doubleValue();
        assertThat(fast.sub(ref).amaxNumber().doubleValue()).as(what + ": largest difference, values up to " + scale).isLessThanOrEqualTo(2e-5 * scale);
    }

    @Test
    void strideOneTransposedConvolutionsWithSamePaddingTakeTheFlippedKernelsConvolution() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 64, 8, 8);
        INDArray w = Nd4j.rand(DataType.FLOAT, 64, 64, 3, 3);
        assertThat(SampleKernels.suitsTransposeAsConv(x, w, new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1))).isTrue();
        assertThat(SampleKernels.suitsTransposeAsConv(x, w, new ConvParams(1, 1, 2, 2, 1, 1, 0, 0, 1))).as("padding the whole reach").isTrue();
        assertThat(SampleKernels.suitsTransposeAsConv(x, w, new ConvParams(1, 1, 0, 0, 1, 1, 0, 0, 1)))
                .as("valid padding: the convolution would do more arithmetic").isFalse();
        assertThat(SampleKernels.suitsTransposeAsConv(x, w, new ConvParams(1, 1, 3, 3, 1, 1, 0, 0, 1))).as("padding past the reach").isFalse();
        assertThat(SampleKernels.suitsTransposeAsConv(x, w, new ConvParams(2, 2, 1, 1, 1, 1, 1, 1, 1))).as("stride 2").isFalse();
        assertThat(SampleKernels.suitsTransposeAsConv(x.castTo(DataType.DOUBLE), w.castTo(DataType.DOUBLE), new ConvParams(1, 1, 1, 1, 1, 1, 0, 0, 1)))
                .as("float64").isFalse();
    }
}
