package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D average pooling. A linear map, so its backward is its adjoint {@link AvgPool2dBackward}
 * (spread each gy over its window, divided by the same count), whose backward is this again.
 * The count is the window area, or only the in-image elements when {@code countIncludePad} is false.
 */
public final class AvgPool2dFunction extends Function {
    private final PoolGeometry g;
    private final boolean countIncludePad;

    public AvgPool2dFunction(PoolGeometry geometry, boolean countIncludePad) {
        this.g = geometry;
        this.countIncludePad = countIncludePad;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        return kernels().avgPool2d(in[0].data(), g.params(), countIncludePad);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new AvgPool2dBackward(g, countIncludePad).apply(gy)};
    }

    @Override
    public String args() {
        return g.describe() + (countIncludePad ? "" : ", countIncludePad=false");
    }
}
