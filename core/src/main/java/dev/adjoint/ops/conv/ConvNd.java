package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code conv1d}/{@code conv2d}: inputs x, w, b (b may be null).
 *
 * <p>Backward, each gradient with the other operator of the pair:
 * <ul>
 *   <li>{@code gx = convTranspose(gy, w)}, same stride/padding/dilation/groups, output padding
 *       chosen so that gx has x's exact size: the transposed convolution is the adjoint;</li>
 *   <li>{@code gw = ConvWeightGrad(x, gy)}, the correlation of x with gy;</li>
 *   <li>{@code gb = sum(gy)} over batch and space.</li>
 * </ul>
 */
public final class ConvNd extends ConvFunction {

    /** @param geometry made by {@link ConvGeometry#conv}, which has validated the shapes and arguments */
    public ConvNd(ConvGeometry geometry) {
        super(geometry);
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1]);
        INDArray y = kernels().conv2d(lift(in[0]), lift(in[1]), bias(in), outH(), outW(), geometry.kernelParams());
        return toOutputShape(y);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor x = saved(0);
        Tensor w = saved(1);
        Tensor gx = null;
        if (needsInputGrad(0)) {
            ConvGeometry adjoint = geometry.transposedTo(gy.shape(), w.shape(), geometry.inputSize);
            gx = new ConvTransposeNd(adjoint).apply(gy, w, null);
        }
        Tensor gw = needsInputGrad(1) ? new ConvWeightGrad(geometry).apply(x, gy) : null;
        Tensor gb = needsInputGrad(2) ? biasGradient(gy) : null;
        return new Tensor[] {gx, gw, gb};
    }


    @Override
    public String gradientFormula(int i) {
        switch (i) {
            case 0: return geometry.name(true) + "(gy, w, " + geometry.describe() + ")";
            case 1: return "convWeightGrad(x, gy)";
            default: return biasFormula();
        }
    }
}
