package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.F;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What {@link ConvNd}, {@link ConvTransposeNd} and {@link ConvWeightGrad} share: the geometry, the inputs, printing. */
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

    /** A 1-D operand {@code [N, C, L]} as the 2-D {@code [N, C, 1, L]} the kernels take (a view); 4-D arrays pass through. */
    static INDArray lift(Tensor t) {
        INDArray a = t.data();
        return a.rank() == 3 ? a.reshape('c', a.size(0), a.size(1), 1, a.size(2)) : a;
    }

    /** The bias input's data, or null when the call has none. */
    static INDArray bias(Tensor[] in) {
        return in.length > 2 && in[2] != null ? in[2].data() : null;
    }

    /** The spatial part of a shape. */
    static long[] spatial(long[] shape) {
        return Arrays.copyOfRange(shape, 2, shape.length);
    }

    /** {@code y} cut at the far end of each spatial dim to {@code size} (never larger than y). */
    static Tensor cropTo(Tensor y, long[] size) {
        for (int i = 0; i < size.length; i++) {
            if (y.size(2 + i) != size[i]) {
                y = F.narrow(y, 2 + i, 0, size[i]);
            }
        }
        return y;
    }

    /** Dims a bias gradient sums over: batch and space. */
    int[] biasDims() {
        return geometry.spatialDims == 1 ? new int[] {0, 2} : new int[] {0, 2, 3};
    }

    /** {@code gb = sum(gy)} over batch and space. */
    Tensor biasGradient(Tensor gy) {
        return gy.sum(biasDims(), false);
    }

    String biasFormula() {
        return "sum(gy, " + Arrays.toString(biasDims()) + ")";
    }

    @Override
    public String args() {
        return geometry.describe();
    }

    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b"};
    }

    /**
     * The kernel's 2-D result in this op's output shape: as it is for 2-D (a reshape would make a
     * view, and the output should own its memory), a reshaped view for 1-D.
     */
    protected final INDArray toOutputShape(INDArray y) {
        long[] shape = geometry.outputShape();
        return Arrays.equals(y.shape(), shape) ? y : y.reshape('c', shape);
    }
}
