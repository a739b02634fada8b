package dev.adjoint.ops.activation;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code 1 / (1 + e^-x)}. Backward: {@code gy * y * (1 - y)}. */
public final class SigmoidFunction extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        saveOutput();
        return Transforms.sigmoid(in[0].data(), true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor y = output();
        return new Tensor[] {gy.mul(y.mul(y.neg().add(1)))};
    }
}
