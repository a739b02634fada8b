package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Natural logarithm. Backward: {@code gy / x}. */
public final class Log extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0]);
        return Transforms.log(in[0].data(), true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy.div(saved(0))};
    }
}
