package dev.adjoint.optim;

import java.util.Arrays;

/** Multiplies the learning rate by {@code gamma} at each milestone epoch, as PyTorch's {@code MultiStepLR}. */
public final class MultiStepLR extends LRScheduler {
    private final int[] milestones;
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones); // PyTorch counts them as a multiset: a repeated milestone multiplies twice
        this.gamma = gamma;
        begin();
    }

    /** {@code gamma} 0.1, as PyTorch's default. */
    public MultiStepLR(Optimizer optimizer, int[] milestones) {
        this(optimizer, milestones, 0.1);
    }

    @Override
    protected double lrAt(int t, double base) {
        int passed = 0;
        for (int m : milestones) {
            passed += m <= t ? 1 : 0;
        }
        return base * Math.pow(gamma, passed);
    }
}
