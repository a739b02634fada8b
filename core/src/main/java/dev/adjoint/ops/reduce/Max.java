package dev.adjoint.ops.reduce;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Maximum over some dimensions (all when none are given). Backward: the gradient goes to the
 * elements equal to the maximum, shared evenly between ties (as PyTorch's {@code amax}).
 */
public final class Max extends Function {
    private final int[] dims;
    private final boolean keepDim;

    public Max(int[] dims, boolean keepDim) {
        this.dims = dims.clone();
        this.keepDim = keepDim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray x = in[0].data();
        if (x.length() == 0) {
            throw new IllegalArgumentException("max: the input " + Shapes.str(x.shape()) + " is empty");
        }
        save(in[0]);
        if (x.rank() == 0) {
            return x.dup();
        }
        int[] d = Shapes.dims("max", dims, x.rank());
        return x.max(keepDim, d).reshape(Shapes.reduced(x.shape(), d, keepDim));
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        INDArray x = saved(0).data();
        if (x.rank() == 0) {
            return new Tensor[] {gy};
        }
        int[] d = Shapes.dims("max", dims, x.rank());
        INDArray m = x.max(true, d);
        INDArray mask = x.eq(kernels().expand(m, x.shape())).castTo(x.dataType());
        INDArray count = mask.sum(true, d);
        Tensor share = new Tensor(mask.divi(count));
        Tensor kept = gy.reshape(Shapes.reduced(x.shape(), d, true));
        return new Tensor[] {kept.expand(x.shape()).mul(share)};
    }

    @Override
    public String args() {
        return (dims.length == 0 ? "all" : "dims=" + Arrays.toString(dims)) + (keepDim ? ", keepDim" : "");
    }
}
