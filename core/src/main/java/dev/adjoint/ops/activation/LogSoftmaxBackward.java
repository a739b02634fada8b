package dev.adjoint.ops.activation;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LogSoftmaxFunction's backward as a function of its own (as PyTorch's {@code _log_softmax_backward_data}):
 * inputs gy and the LogSoftmaxFunction's output y, result {@code gx = gy - e^y * sum(gy)} along {@code dim}.
 *
 * <p>Backward (for second derivatives), with {@code S = sum(gy)}: {@code ggy = ggx - sum(ggx * e^y)}
 * and {@code gy_of_y = -ggx * e^y * S}.
 */
public final class LogSoftmaxBackward extends Function {
    private final int dim;

    public LogSoftmaxBackward(int dim) {
        this.dim = dim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        Broadcast.checkSame("logSoftmaxBackward", "gy", in[0], "y", in[1]);
        save(in[0], in[1]);
        int d = Shapes.dim("logSoftmaxBackward", dim, in[1].dim());
        return kernels().logSoftmaxBackward(in[0].data(), in[1].data(), d);
    }

    @Override
    protected Tensor[] backward(Tensor ggx) {
        Tensor gy = saved(0);
        Tensor y = saved(1);
        int[] d = {Shapes.dim("logSoftmaxBackward", dim, y.dim())};
        Tensor ggxTimesP = ggx.mul(y.exp());
        return new Tensor[] {
            needsInputGrad(0) ? ggx.sub(ggxTimesP.sum(d, true)) : null,
            needsInputGrad(1) ? ggxTimesP.mul(gy.sum(d, true)).neg() : null
        };
    }

    @Override
    public String args() {
        return "dim=" + dim;
    }

    @Override
    public String[] inputNames() {
        return new String[] {"gy", "y"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? "ggx - sum(ggx * e^y)" : "-ggx * e^y * sum(gy)";
    }
}
