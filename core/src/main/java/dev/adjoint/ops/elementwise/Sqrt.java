package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Square root. Backward: {@code gy / (2 * y)}. */
public final class Sqrt extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        saveOutput();
        return Transforms.sqrt(in[0].data(), true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy.div(output().mul(2))};
    }
}
