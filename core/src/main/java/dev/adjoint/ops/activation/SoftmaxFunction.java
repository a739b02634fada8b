package dev.adjoint.ops.activation;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code e^x / sum(e^x)} along one dimension, computed as {@code e^(x - max)} so large logits do
 * not overflow. Backward: {@code y * (gy - sum(gy * y))}, the sum along the same dimension.
 */
public final class SoftmaxFunction extends Function {
    private final int dim;

    public SoftmaxFunction(int dim) {
        this.dim = dim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray x = in[0].data();
        int d = Shapes.dim("softmax", dim, x.rank());
        saveOutput();
        INDArray e = Transforms.exp(x.sub(x.max(true, d)), false);
        return e.divi(e.sum(true, d));
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor y = output();
        int d = Shapes.dim("softmax", dim, y.dim());
        Tensor dot = gy.mul(y).sum(new int[] {d}, true);
        return new Tensor[] {y.mul(gy.sub(dot))};
    }

    @Override
    public String args() {
        return "dim=" + dim;
    }
}
