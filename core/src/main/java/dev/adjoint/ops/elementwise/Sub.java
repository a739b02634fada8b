package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.kernels.BinaryOp;
import dev.adjoint.ops.Broadcast;
import dev.adjoint.ops.F;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code a - b} with broadcasting. Backward: {@code ga = gy}, {@code gb = -gy}, each summed to its input's shape. */
public final class Sub extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        long[] shape = Broadcast.check("sub", in[0], in[1]);
        return kernels().binary(BinaryOp.SUB, in[0].data(), in[1].data(), shape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {
            F.sumTo(gy, inputShape(0)),
            needsInputGrad(1) ? F.sumTo(gy.neg(), inputShape(1)) : null
        };
    }

    @Override
    public String[] inputNames() {
        return new String[] {"a", "b"};
    }
}
