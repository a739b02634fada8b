package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.kernels.BinaryOp;
import dev.adjoint.ops.Broadcast;
import dev.adjoint.ops.F;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code a / b} elementwise with broadcasting. Backward: {@code ga = gy / b}, {@code gb = -gy * a / b^2}. */
public final class Div extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        long[] shape = Broadcast.check("div", in[0], in[1]);
        save(in[0], in[1]);
        return kernels().binary(BinaryOp.DIV, in[0].data(), in[1].data(), shape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        return new Tensor[] {
            needsInputGrad(0) ? F.sumTo(gy.div(b), inputShape(0)) : null,
            needsInputGrad(1) ? F.sumTo(gy.mul(a).div(b.mul(b)).neg(), inputShape(1)) : null
        };
    }

    @Override
    public String[] inputNames() {
        return new String[] {"a", "b"};
    }
}
