package dev.adjoint.layers;

import dev.adjoint.Tensor;

/** {@code max(x, 0)}. */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }

    @Override
    protected String describe() {
        return "ReLU()";
    }
}
