package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** {@code log(softmax(x))} along {@code dim}, as {@code nn.LogSoftmax(dim)}. */
public final class LogSoftmax extends Module {
    private final int dim;

    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.logSoftmax(x, dim);
    }

    @Override
    protected String describe() {
        return "LogSoftmax(dim=" + dim + ")";
    }
}
