package dev.adjoint.ops.reduce;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sums a broadcast gradient back to a smaller shape: over the extra leading dimensions, and over
 * the dimensions where the target has size 1. The adjoint of {@link Expand}; its backward is Expand.
 */
public final class SumTo extends Function {
    private final long[] target;

    public SumTo(long[] target) {
        this.target = target.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray g = in[0].data();
        long[] shape = g.shape();
        int lead = shape.length - target.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: cannot sum shape " + Shapes.str(shape) + " to the larger rank of " + Shapes.str(target));
        }
        int n = 0;
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) {
                dims[n++] = i;
            } else if (target[i - lead] == 1 && shape[i] != 1) {
                dims[n++] = i;
            } else if (target[i - lead] != shape[i]) {
                throw new IllegalArgumentException("sumTo: shape " + Shapes.str(shape) + " does not broadcast from " + Shapes.str(target));
            }
        }
        return kernels().sum(g, java.util.Arrays.copyOf(dims, n), target);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy.expand(inputShape(0))};
    }

    @Override
    public String args() {
        return "shape=" + Shapes.str(target);
    }
}
