package dev.adjoint.layers;

import dev.adjoint.Tensor;

/** Hyperbolic tangent. */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }

    @Override
    protected String describe() {
        return "Tanh()";
    }
}
