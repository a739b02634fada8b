package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code convTranspose1d}/{@code convTranspose2d} (the fast scatter form): inputs x, w, b.
 *
 * <p>Backward, each gradient with the other operator of the pair:
 * <ul>
 *   <li>{@code gx = conv(gy, w)}, same stride/padding/dilation/groups: the convolution is the adjoint;</li>
 *   <li>{@code gw = ConvWeightGrad(gy, x)}: the same correlation as conv's, with the roles of
 *       input and output swapped;</li>
 *   <li>{@code gb = sum(gy)} over batch and space.</li>
 * </ul>
 */
public final class ConvTransposeNd extends Function {
    private final ConvGeometry geometry;

    /** @param geometry made by {@link ConvGeometry#convTranspose}, which has validated the shapes and arguments */
    public ConvTransposeNd(ConvGeometry geometry) {
        this.geometry = geometry;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1]);
        ConvGeometry g = geometry;
        long oh = g.spatialDims == 1 ? 1 : g.outputSize[0];
        long ow = g.outputSize[g.spatialDims - 1];
        INDArray b = in.length > 2 && in[2] != null ? in[2].data() : null;
        INDArray y = ConvKernels.convTranspose2d(ConvKernels.lift(in[0].data()), ConvKernels.lift(in[1].data()), b, oh, ow,
                ConvKernels.Params.of(g));
        return y.reshape('c', g.outputShape());
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor x = saved(0);
        Tensor w = saved(1);
        Tensor gx = needsInputGrad(0) ? Conv.convTo(gy, w, geometry, Conv.spatial(x.shape())) : null;
        Tensor gw = null;
        if (needsInputGrad(1)) {
            ConvGeometry asConv = ConvGeometry.conv(Conv.name(false, geometry.spatialDims), gy.shape(), w.shape(), null,
                    geometry.stride, geometry.padding, geometry.dilation, geometry.groups);
            gw = new ConvWeightGrad(asConv).apply(gy, x);
        }
        Tensor gb = needsInputGrad(2) ? gy.sum(Conv.biasDims(geometry.spatialDims), false) : null;
        return new Tensor[] {gx, gw, gb};
    }

    public ConvGeometry geometry() {
        return geometry;
    }

    @Override
    public String name() {
        return "ConvTranspose" + geometry.spatialDims + "d";
    }

    @Override
    public String args() {
        return geometry.describe();
    }

    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b"};
    }

    @Override
    public String gradientFormula(int i) {
        switch (i) {
            case 0: return Conv.name(false, geometry.spatialDims) + "(gy, w, stride=" + java.util.Arrays.toString(geometry.stride)
                    + ", padding=" + java.util.Arrays.toString(geometry.padding) + ")";
            case 1: return "convWeightGrad(gy, x)";
            default: return "sum(gy, " + java.util.Arrays.toString(Conv.biasDims(geometry.spatialDims)) + ")";
        }
    }
}
