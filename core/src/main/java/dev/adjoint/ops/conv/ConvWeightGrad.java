package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weight gradient of a convolution as a function of its two inputs: {@code gw = corr(x, gy)},
 * {@code gw[o, c, i, j] = sum gy[n, o, y, x] * xpad[n, c, y*s + i*d, x*s + j*d]}.
 *
 * <p>It is bilinear, so its own backward is again the conv pair: for an incoming gradient
 * {@code ggw} (shaped like the weight), {@code gx = convTranspose(gy, ggw)} and
 * {@code ggy = conv(x, ggw)}. This is what makes second-order gradients through a convolution work.
 */
public final class ConvWeightGrad extends Function {
    private final ConvGeometry geometry;

    /** @param geometry the convolution x -> y whose weight gradient this is */
    public ConvWeightGrad(ConvGeometry geometry) {
        this.geometry = geometry;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1]);
        ConvGeometry g = geometry;
        int sd = g.spatialDims;
        long kh = sd == 1 ? 1 : g.kernelSize[0];
        long kw = g.kernelSize[sd - 1];
        INDArray gw = ConvKernels.convWeightGrad(ConvKernels.lift(in[0].data()), ConvKernels.lift(in[1].data()), kh, kw,
                ConvKernels.Params.of(g));
        long[] wShape = new long[sd + 2];
        wShape[0] = g.outChannels;
        wShape[1] = g.inChannels / g.groups;
        System.arraycopy(g.kernelSize, 0, wShape, 2, sd);
        return gw.reshape('c', wShape);
    }

    @Override
    protected Tensor[] backward(Tensor ggw) {
        Tensor x = saved(0);
        Tensor gy = saved(1);
        Tensor gx = needsInputGrad(0) ? Conv.transposeTo(gy, ggw, geometry, Conv.spatial(x.shape())) : null;
        Tensor ggy = needsInputGrad(1) ? Conv.convTo(x, ggw, geometry, Conv.spatial(gy.shape())) : null;
        return new Tensor[] {gx, ggy};
    }

    @Override
    public String args() {
        return geometry.describe();
    }

    @Override
    public String[] inputNames() {
        return new String[] {"x", "gy"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? Conv.name(true, geometry.spatialDims) + "(gy, ggw)" : Conv.name(false, geometry.spatialDims) + "(x, ggw)";
    }
}
