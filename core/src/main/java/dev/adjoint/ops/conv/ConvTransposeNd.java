package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
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
public final class ConvTransposeNd extends ConvFunction {

    /** @param geometry made by {@link ConvGeometry#convTranspose}, which has validated the shapes and arguments */
    public ConvTransposeNd(ConvGeometry geometry) {
        super(geometry);
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1]);
        INDArray y = kernels().convTranspose2d(lift(in[0]), lift(in[1]), bias(in), outH(), outW(), geometry.kernelParams());
        return toOutputShape(y);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor x = saved(0);
        Tensor w = saved(1);
        ConvGeometry adjoint = geometry.asConvolution(gy.shape(), w.shape()); // the convolution gy -> x
        Tensor gx = needsInputGrad(0) ? cropTo(new ConvNd(adjoint).apply(gy, w, null), spatial(x.shape())) : null;
        Tensor gw = needsInputGrad(1) ? new ConvWeightGrad(adjoint).apply(gy, x) : null;
        Tensor gb = needsInputGrad(2) ? biasGradient(gy) : null;
        return new Tensor[] {gx, gw, gb};
    }


    @Override
    public String gradientFormula(int i) {
        switch (i) {
            case 0: return geometry.name(false) + "(gy, w, stride=" + java.util.Arrays.toString(geometry.stride)
                    + ", padding=" + java.util.Arrays.toString(geometry.padding) + ")";
            case 1: return "convWeightGrad(gy, x)";
            default: return biasFormula();
        }
    }
}
