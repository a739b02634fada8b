package dev.adjoint.ops.activation;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Hyperbolic tangent. Backward: {@code gy * (1 - y^2)}. */
public final class TanhFunction extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        saveOutput();
        return Transforms.tanh(in[0].data(), true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor y = output();
        return new Tensor[] {gy.mul(y.mul(y).neg().add(1))};
    }
}
