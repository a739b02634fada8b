package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** GELU in PyTorch's default exact form, {@code x/2 * (1 + erf(x / sqrt 2))}. */
public final class GELU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return F.gelu(x);
    }

    @Override
    protected String describe() {
        return "GELU()";
    }
}
