package dev.adjoint.optim;

/**
 * A linear ramp of the learning rate's factor from {@code startFactor} to {@code endFactor} over
 * {@code totalIters} epochs, then constant, as PyTorch's {@code LinearLR}: the usual warm-up.
 */
public final class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer);
        if (!(startFactor > 0 && startFactor <= 1) || !(endFactor >= 0 && endFactor <= 1) || totalIters < 1) {
            throw new IllegalArgumentException("LinearLR: startFactor must be in (0, 1], endFactor in [0, 1], totalIters at least 1; got "
                    + startFactor + ", " + endFactor + ", " + totalIters);
        }
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        begin();
    }

    /** PyTorch's defaults: from a third of the rate to all of it over 5 epochs. */
    public LinearLR(Optimizer optimizer) {
        this(optimizer, 1.0 / 3, 1.0, 5);
    }

    @Override
    protected double lrAt(int t, double base) {
        return base * (startFactor + (endFactor - startFactor) * Math.min(t, totalIters) / totalIters);
    }
}
