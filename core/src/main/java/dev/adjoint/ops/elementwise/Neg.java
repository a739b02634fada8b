package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code -x}. Backward: {@code -gy}. */
public final class Neg extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        return in[0].data().neg();
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy.neg()};
    }
}
