package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** SiLU (swish), {@code x * sigmoid(x)}. */
public final class SiLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return F.silu(x);
    }

    @Override
    protected String describe() {
        return "SiLU()";
    }
}
