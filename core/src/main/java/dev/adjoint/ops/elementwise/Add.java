package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.kernels.BinaryOp;
import dev.adjoint.ops.Broadcast;
import dev.adjoint.ops.F;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code a + b} with broadcasting. Backward: the gradient flows unchanged, summed back to each input's shape. */
public final class Add extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        long[] shape = Broadcast.check("add", in[0], in[1]);
        return kernels().binary(BinaryOp.ADD, in[0].data(), in[1].data(), shape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {F.sumTo(gy, inputShape(0)), F.sumTo(gy, inputShape(1))};
    }

    @Override
    public String[] inputNames() {
        return new String[] {"a", "b"};
    }
}
