package dev.adjoint.ops.reduce;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Sum over some dimensions (all when none are given). Backward: {@code gy} expanded back to the input's shape. */
public final class Sum extends Function {
    private final int[] dims;
    private final boolean keepDim;

    /** @param dims the dimensions to sum over; empty for all */
    public Sum(int[] dims, boolean keepDim) {
        this.dims = dims.clone();
        this.keepDim = keepDim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray x = in[0].data();
        int[] d = x.rank() == 0 ? new int[0] : Shapes.dims("sum", dims, x.rank());
        return kernels().sum(x, d, Shapes.reduced(x.shape(), d, keepDim));
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        long[] xShape = inputShape(0);
        if (xShape.length == 0) {
            return new Tensor[] {gy};
        }
        int[] d = Shapes.dims("sum", dims, xShape.length);
        Tensor kept = gy.reshape(Shapes.reduced(xShape, d, true));
        return new Tensor[] {kept.expand(xShape)};
    }

    @Override
    public String args() {
        return (dims.length == 0 ? "all" : "dims=" + Arrays.toString(dims)) + (keepDim ? ", keepDim" : "");
    }
}
