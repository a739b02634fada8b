package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What {@link ConvNd} and {@link ConvTransposeNd} share: the geometry, the inputs (x, w, b), printing. */
public abstract class ConvFunction extends Function {
    protected final ConvGeometry geometry;

    ConvFunction(ConvGeometry geometry) {
        this.geometry = geometry;
    }

    /** The geometry (sizes and arguments) of this call. */
    public ConvGeometry geometry() {
        return geometry;
    }

    /** Output height of the 2-D kernel call (1 for a 1-D op). */
    long outH() {
        return geometry.spatialDims == 1 ? 1 : geometry.outputSize[0];
    }

    /** Output width of the 2-D kernel call. */
    long outW() {
        return geometry.outputSize[geometry.spatialDims - 1];
    }

    /** The bias input's data, or null when the call has none. */
    static INDArray bias(Tensor[] in) {
        return in.length > 2 && in[2] != null ? in[2].data() : null;
    }

    /** {@code gb = sum(gy)} over batch and space. */
    Tensor biasGradient(Tensor gy) {
        return gy.sum(Conv.biasDims(geometry.spatialDims), false);
    }

    String biasFormula() {
        return "sum(gy, " + Arrays.toString(Conv.biasDims(geometry.spatialDims)) + ")";
    }

    @Override
    public String args() {
        return geometry.describe();
    }

    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b"};
    }
}
