package dev.adjoint.ops.activation;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code max(x, 0)}. Backward: {@code gy} where {@code x > 0}, 0 elsewhere (one function, {@link ReluBackward}, as PyTorch's threshold_backward). */
public final class ReluFunction extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        saveOutput();
        return kernels().relu(in[0].data());
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new ReluBackward().apply(gy, output())};
    }

    @Override
    public String gradientFormula(int i) {
        return "reluBackward(gy, y): gy where y > 0";
    }
}
