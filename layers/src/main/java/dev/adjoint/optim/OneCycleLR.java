package dev.adjoint.optim;

/**
 * The one-cycle policy, as PyTorch's {@code OneCycleLR} (cosine annealing, two phases): from
 * {@code maxLr / divFactor} up to {@code maxLr} over the first {@code pctStart} of
 * {@code totalSteps}, then down to {@code maxLr / divFactor / finalDivFactor}. Step it after every
 * batch. Only the learning rate cycles: PyTorch also cycles SGD's momentum (its
 * {@code cycle_momentum}), which adjoint's optimizers do not expose per step.
 */
public final class OneCycleLR extends LRScheduler {
    private final double maxLr;
    private final int totalSteps;
    private final double pctStart;
    private final double initial;
    private final double min;

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        super(optimizer);
        if (totalSteps < 2 || !(pctStart > 0 && pctStart < 1) || !(maxLr > 0) || !(divFactor > 0) || !(finalDivFactor > 0)) {
            throw new IllegalArgumentException("OneCycleLR: need totalSteps >= 2, pctStart in (0, 1), positive maxLr and factors; got "
                    + maxLr + ", " + totalSteps + ", " + pctStart + ", " + divFactor + ", " + finalDivFactor);
        }
        this.maxLr = maxLr;
        this.totalSteps = totalSteps;
        this.pctStart = pctStart;
        this.initial = maxLr / divFactor;
        this.min = initial / finalDivFactor;
        begin();
    }

    /** PyTorch's defaults: 30% warm-up, {@code divFactor} 25, {@code finalDivFactor} 1e4. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, maxLr, totalSteps, 0.3, 25, 1e4);
    }

    @Override
    protected double lrAt(int t, double base) {
        if (t > totalSteps) {
            throw new IllegalStateException("OneCycleLR: stepped " + t + " times, beyond its totalSteps " + totalSteps);
        }
        double warmEnd = pctStart * totalSteps - 1;
        if (t <= warmEnd) {
            return cosine(initial, maxLr, t / warmEnd);
        }
        return cosine(maxLr, min, (t - warmEnd) / (totalSteps - 1 - warmEnd));
    }

    /** From {@code start} (pct 0) to {@code end} (pct 1) along half a cosine. */
    private static double cosine(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }
}
