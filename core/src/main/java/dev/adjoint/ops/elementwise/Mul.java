package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.kernels.BinaryOp;
import dev.adjoint.ops.Broadcast;
import dev.adjoint.ops.F;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code a * b} elementwise with broadcasting. Backward: {@code ga = gy * b}, {@code gb = gy * a}. */
public final class Mul extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        long[] shape = Broadcast.check("mul", in[0], in[1]);
        save(in[0], in[1]);
        return kernels().binary(BinaryOp.MUL, in[0].data(), in[1].data(), shape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        return new Tensor[] {
            needsInputGrad(0) ? F.sumTo(gy.mul(b), inputShape(0)) : null,
            needsInputGrad(1) ? F.sumTo(gy.mul(a), inputShape(1)) : null
        };
    }

    @Override
    public String[] inputNames() {
        return new String[] {"a", "b"};
    }
}
