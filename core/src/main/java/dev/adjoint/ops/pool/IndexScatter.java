package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code y = zeros(shape); y.flat[index[i]] += x.flat[i]}: max pooling's backward. Backward:
 * {@link IndexGather}, its adjoint, which is what makes double backward through max pooling work.
 */
public final class IndexScatter extends Function {
    private final int[] index;
    private final long[] outShape;

    public IndexScatter(int[] index, long[] outShape) {
        this.index = index;
        this.outShape = outShape.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        return kernels().scatterAdd(in[0].data(), index, outShape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new IndexGather(index, inputShape(0)).apply(gy)};
    }

    @Override
    public String gradientFormula(int i) {
        return "gather gy at the scattered positions";
    }
}
