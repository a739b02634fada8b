package dev.adjoint.ops.activation;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code max(x, 0)}. Backward: {@code gy} where {@code x > 0}, 0 elsewhere (the mask is sign(y), one op). */
public final class Relu extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        saveOutput();
        return Transforms.relu(in[0].data(), true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy.mul(new Tensor(Transforms.sign(output().data(), true)))};
    }
}
