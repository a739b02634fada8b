package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code e^x}. Backward: {@code gy * y} (the output is its own derivative). */
public final class Exp extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        saveOutput();
        return Transforms.exp(in[0].data(), true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy.mul(output())};
    }
}
