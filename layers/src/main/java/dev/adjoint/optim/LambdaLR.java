package dev.adjoint.optim;

import java.util.function.IntToDoubleFunction;

/** The initial learning rate times {@code factor(epoch)}, as PyTorch's {@code LambdaLR}. */
public final class LambdaLR extends LRScheduler {
    private final IntToDoubleFunction factor;

    public LambdaLR(Optimizer optimizer, IntToDoubleFunction factor) {
        super(optimizer);
        this.factor = factor;
        begin();
    }

    @Override
    protected double lrAt(int t, double base) {
        return base * factor.applyAsDouble(t);
    }
}
