package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code |x|}. Backward: {@code gy * sign(x)} (0 at 0, as PyTorch). */
public final class Abs extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0]);
        return Transforms.abs(in[0].data(), true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor sign = new Tensor(Transforms.sign(saved(0).data(), true));
        return new Tensor[] {gy.mul(sign)};
    }
}
