package dev.adjoint.ops.reduce;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Repeats a tensor along its size-1 (or missing leading) dimensions up to a larger shape
 * (PyTorch's {@code expand}/{@code broadcast_to}). Backward: {@link SumTo}, its adjoint.
 */
public final class Expand extends Function {
    private final long[] shape;

    public Expand(long[] shape) {
        this.shape = shape.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        long[] from = in[0].shape();
        long[] result = Shapes.broadcast("expand", from, shape);
        if (!java.util.Arrays.equals(result, shape)) {
            throw new IllegalArgumentException("expand: shape " + Shapes.str(from) + " cannot be expanded to " + Shapes.str(shape));
        }
        return kernels().expand(in[0].data(), shape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {dev.adjoint.ops.F.sumTo(gy, inputShape(0))};
    }

    @Override
    public String args() {
        return "shape=" + Shapes.str(shape);
    }
}
