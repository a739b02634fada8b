package dev.adjoint.ops.activation;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import dev.adjoint.Arena;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/** {@code max(x, 0)}. Backward: {@code gy} where {@code x > 0}, 0 elsewhere (the mask is step(y): 1 where y > 0, as PyTorch's threshold_backward). */
public final class Relu extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        saveOutput();
        INDArray x = in[0].data();
        INDArray y = Arena.allocate(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new RectifiedLinear(x, y));
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        INDArray y = output().data();
        INDArray step = Arena.allocate(y.dataType(), y.shape());
        Nd4j.getExecutioner().exec(new Step(y, step));
        return new Tensor[] {gy.mul(new Tensor(step))};
    }
}
