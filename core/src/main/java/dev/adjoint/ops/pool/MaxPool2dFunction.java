package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.memory.IntArrays;
import dev.adjoint.kernels.MaxPoolResult;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D max pooling (padding counts as minus infinity). Forward remembers, for each output, the
 * flat position of the maximum; backward scatters gy to those positions ({@link IndexScatter}).
 * Ties go to the first maximum in the window, and a NaN wins, as in PyTorch.
 */
public final class MaxPool2dFunction extends Function {
    private final PoolGeometry g;
    private int[] argmax;
    /** Whether a backward recorded a graph (second derivatives) that holds argmax: then it is not given back. */
    private boolean argmaxInGraph;

    public MaxPool2dFunction(PoolGeometry geometry) {
        this.g = geometry;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        MaxPoolResult r = kernels().maxPool2d(in[0].data(), g.params());
        argmax = r.argmax();
        return r.values();
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        argmaxInGraph |= GradMode.isEnabled(); // the IndexScatter below is then recorded and keeps argmax
        return new Tensor[] {new IndexScatter(argmax, g.inputShape()).apply(gy)};
    }

    @Override
    protected void releaseState() {
        if (!argmaxInGraph) {
            IntArrays.give(argmax); // nothing reads it any more: the next max pooling of this size reuses it
        }
        argmax = null;
    }

    @Override
    public String args() {
        return g.describe();
    }

    @Override
    public String gradientFormula(int i) {
        return "scatter gy to each window's argmax";
    }
}
