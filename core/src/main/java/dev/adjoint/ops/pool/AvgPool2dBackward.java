package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The adjoint of {@link AvgPool2dFunction}: {@code gx[in] += gy[out] / count(out)}. Backward: AvgPool2dFunction. */
public final class AvgPool2dBackward extends Function {
    private final PoolGeometry g;
    private final boolean countIncludePad;

    public AvgPool2dBackward(PoolGeometry geometry, boolean countIncludePad) {
        this.g = geometry;
        this.countIncludePad = countIncludePad;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        return kernels().avgPool2dBackward(in[0].data(), g.params(), countIncludePad);
    }

    @Override
    protected Tensor[] backward(Tensor ggx) {
        return new Tensor[] {new AvgPool2dFunction(g, countIncludePad).apply(ggx)};
    }
}
