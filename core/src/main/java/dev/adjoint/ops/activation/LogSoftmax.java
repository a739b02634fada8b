package dev.adjoint.ops.activation;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code x - log(sum(e^x))} along one dimension, stable: {@code (x - m) - log(sum(e^(x - m)))}
 * with {@code m = max(x)}. Backward: {@code gy - e^y * sum(gy)}.
 */
public final class LogSoftmax extends Function {
    private final int dim;

    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray x = in[0].data();
        int d = Shapes.dim("logSoftmax", dim, x.rank());
        saveOutput();
        INDArray shifted = x.sub(x.max(true, d));
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, d), false);
        return shifted.subi(logSum);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor y = output();
        int d = Shapes.dim("logSoftmax", dim, y.dim());
        return new Tensor[] {gy.sub(y.exp().mul(gy.sum(new int[] {d}, true)))};
    }

    @Override
    public String args() {
        return "dim=" + dim;
    }
}
