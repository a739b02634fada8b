package dev.adjoint.ops.activation;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ReLU's backward as a function of its own, as PyTorch's {@code threshold_backward}: inputs gy and
 * the ReLU's output y, result {@code gy} where {@code y > 0}, 0 elsewhere.
 *
 * <p>Backward (for second derivatives): linear in gy with the same mask, so
 * {@code ggy = ReluBackward(ggx, y)}; y gets no gradient (ReLU's second derivative is 0 almost everywhere).
 */
public final class ReluBackward extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        Broadcast.checkSame("reluBackward", "gy", in[0], "y", in[1]);
        save(in[1]);
        return kernels().reluBackward(in[0].data(), in[1].data());
    }

    @Override
    protected Tensor[] backward(Tensor ggx) {
        return new Tensor[] {new ReluBackward().apply(ggx, saved(0)), null};
    }

    @Override
    public String[] inputNames() {
        return new String[] {"gy", "y"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? "reluBackward(ggx, y)" : "0";
    }
}
