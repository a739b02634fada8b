package dev.adjoint.layers;

import dev.adjoint.Tensor;

/** {@code 1 / (1 + e^-x)}. */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }

    @Override
    protected String describe() {
        return "Sigmoid()";
    }
}
