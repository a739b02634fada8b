package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.kernels.Arena;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code y = zeros(shape); y.flat[index[i]] += x.flat[i]}: max pooling's backward. Backward:
 * {@link IndexGather}, its adjoint, which is what makes double backward through max pooling work.
 */
public final class IndexScatter extends Function {
    private final int[] index;
    private final long[] outShape;
    /** The arena that lent {@link #index} (max pooling's pooled argmax), or null. */
    private final Arena lender;

    public IndexScatter(int[] index, long[] outShape) {
        this(index, outShape, null);
    }

    /** With positions lent by {@code lender} (pooled memory): refused once it has closed. */
    public IndexScatter(int[] index, long[] outShape, Arena lender) {
        this.index = index;
        this.outShape = outShape.clone();
        this.lender = lender;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        MaxPool2d.checkLive(label(), lender);
        return kernels().scatterAdd(in[0].data(), index, outShape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new IndexGather(index, inputShape(0), lender).apply(gy)};
    }

    @Override
    public String gradientFormula(int i) {
        return "gather gy at the scattered positions";
    }
}
