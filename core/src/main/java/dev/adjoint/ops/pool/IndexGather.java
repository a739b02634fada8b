package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code y.flat[i] = x.flat[index[i]]}: picks elements by flat position (max pooling's forward
 * once the argmax is known). Backward: {@link IndexScatter}, its adjoint.
 */
public final class IndexGather extends Function {
    private final int[] index;
    private final long[] outShape;

    public IndexGather(int[] index, long[] outShape) {
        this.index = index;
        this.outShape = outShape.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        return kernels().gather(in[0].data(), index, outShape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new IndexScatter(index, inputShape(0)).apply(gy)};
    }

    @Override
    public String gradientFormula(int i) {
        return "scatter gy to the picked positions";
    }
}
