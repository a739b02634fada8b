package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** {@code x} if positive, else {@code negativeSlope * x} (default 0.01). */
public final class LeakyReLU extends Module {
    private final double negativeSlope;

    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    public LeakyReLU() {
        this(0.01);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.leakyRelu(x, negativeSlope);
    }

    @Override
    protected String describe() {
        return "LeakyReLU(" + negativeSlope + ")";
    }
}
