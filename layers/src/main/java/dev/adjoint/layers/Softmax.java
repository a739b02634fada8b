package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** {@code softmax(x)} along {@code dim}, as {@code nn.Softmax(dim)}. */
public final class Softmax extends Module {
    private final int dim;

    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.softmax(x, dim);
    }

    @Override
    protected String describe() {
        return "Softmax(dim=" + dim + ")";
    }
}
