package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weight gradient of a convolution as a function of its two inputs: {@code gw = corr(x, gy)},
 * {@code gw[o, c, i, j] = sum gy[n, o, y, x] * xpad[n, c, y*s + i*d, x*s + j*d]}.
 *
 * <p>It is bilinear, so its own backward is again the conv pair: for an incoming gradient
 * {@code ggw} (shaped like the weight), {@code gx = convTranspose(gy, ggw)} and
 * {@code ggy = conv(x, ggw)}. This is what makes second-order gradients through a convolution work.
 */
public final class ConvWeightGrad extends ConvFunction {

    /** @param geometry the convolution x -> y whose weight gradient this is */
    public ConvWeightGrad(ConvGeometry geometry) {
        super(geometry);
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1]);
        ConvGeometry g = geometry;
        long kh = g.spatialDims == 1 ? 1 : g.kernelSize[0];
        long kw = g.kernelSize[g.spatialDims - 1];
        INDArray gw = kernels().convWeightGrad(lift(in[0]), lift(in[1]), kh, kw, g.kernelParams());
        long[] wShape = new long[g.spatialDims + 2];
        wShape[0] = g.outChannels;
        wShape[1] = g.inChannels / g.groups;
        System.arraycopy(g.kernelSize, 0, wShape, 2, g.spatialDims);
        return gw.reshape('c', wShape);
    }

    @Override
    protected Tensor[] backward(Tensor ggw) {
        Tensor x = saved(0);
        Tensor gy = saved(1);
        Tensor gx = null;
        if (needsInputGrad(0)) {
            gx = new ConvTransposeNd(geometry.transposedTo(gy.shape(), ggw.shape(), geometry.inputSize)).apply(gy, ggw, null);
        }
        Tensor ggy = null;
        if (needsInputGrad(1)) {
            ggy = cropTo(new ConvNd(geometry.asConvolution(x.shape(), ggw.shape())).apply(x, ggw, null), spatial(gy.shape()));
        }
        return new Tensor[] {gx, ggy};
    }


    @Override
    public String[] inputNames() {
        return new String[] {"x", "gy"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? geometry.name(true) + "(gy, ggw)" : geometry.name(false) + "(x, ggw)";
    }
}
