package dev.adjoint.ops.activation;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code x - log(sum(e^x))} along one dimension, stable: {@code (x - m) - log(sum(e^(x - m)))}
 * with {@code m = max(x)}. Backward: {@code gy - e^y * sum(gy)}, one function ({@link LogSoftmaxBackward}).
 */
public final class LogSoftmaxFunction extends Function {
    private final int dim;

    public LogSoftmaxFunction(int dim) {
        this.dim = dim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray x = in[0].data();
        int d = Shapes.dim("logSoftmax", dim, x.rank());
        saveOutput();
        return kernels().logSoftmax(x, d);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new LogSoftmaxBackward(dim).apply(gy, output())};
    }

    @Override
    public String args() {
        return "dim=" + dim;
    }
}
