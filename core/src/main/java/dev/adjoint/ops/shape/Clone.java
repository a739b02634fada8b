package dev.adjoint.ops.shape;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A copy of x's values in memory of its own, still in the graph, as PyTorch's {@code x.clone()}. Backward: {@code gy} as it is. */
public final class Clone extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        return in[0].data().dup('c');
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy};
    }

    @Override
    public String gradientFormula(int i) {
        return "gy";
    }
}
