package dev.adjoint.layers;

import dev.adjoint.Tensor;

/** {@code [N, d1, d2, ...] -> [N, d1*d2*...]}. */
public final class Flatten extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(1);
    }

    @Override
    protected String describe() {
        return "Flatten()";
    }
}
