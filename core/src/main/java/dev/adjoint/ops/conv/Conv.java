package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * The calls the conv family's backward passes make to each other. Each backward asks for an
 * operator of the pair with an exact output size; these helpers compute the output padding (or the
 * crop) that gives it.
 */
final class Conv {
    private Conv() {
    }

    static String name(boolean transposed, int spatialDims) {
        return (transposed ? "convTranspose" : "conv") + spatialDims + "d";
    }

    /**
     * {@code convTranspose(gy, w)} with the stride, padding, dilation and groups of {@code g}, and
     * the output padding that makes its spatial size {@code target}: the adjoint of the convolution
     * {@code g} describes, applied to gy.
     */
    static Tensor transposeTo(Tensor gy, Tensor w, ConvGeometry g, long[] target) {
        int sd = g.spatialDims;
        int[] op = new int[sd];
        for (int i = 0; i < sd; i++) {
            long natural = (gy.shape()[2 + i] - 1) * g.stride[i] - 2L * g.padding[i] + (long) g.dilation[i] * (g.kernelSize[i] - 1) + 1;
            op[i] = Math.toIntExact(target[i] - natural);
        }
        ConvGeometry t = ConvGeometry.convTransposeUnchecked(name(true, sd), gy.shape(), w.shape(), null, g.stride, g.padding, op,
                g.dilation, g.groups);
        return new ConvTransposeNd(t).apply(gy, w, null);
    }

    /**
     * {@code conv(x, w)} with the stride, padding, dilation and groups of {@code g}, cropped at the
     * far end to spatial size {@code target} (it is never smaller): the adjoint of a transposed
     * convolution, applied to x.
     */
    static Tensor convTo(Tensor x, Tensor w, ConvGeometry g, long[] target) {
        int sd = g.spatialDims;
        ConvGeometry c = ConvGeometry.conv(name(false, sd), x.shape(), w.shape(), null, g.stride, g.padding, g.dilation, g.groups);
        Tensor y = new ConvNd(c).apply(x, w, null);
        for (int i = 0; i < sd; i++) {
            if (c.outputSize[i] != target[i]) {
                y = F.narrow(y, 2 + i, 0, target[i]);
            }
        }
        return y;
    }

    /** The spatial part of a shape. */
    static long[] spatial(long[] shape) {
        return java.util.Arrays.copyOfRange(shape, 2, shape.length);
    }

    /** Dims a bias gradient sums over: batch and space. */
    static int[] biasDims(int spatialDims) {
        return spatialDims == 1 ? new int[] {0, 2} : new int[] {0, 2, 3};
    }
}
