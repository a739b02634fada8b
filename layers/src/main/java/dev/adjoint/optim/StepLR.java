package dev.adjoint.optim;

/** Multiplies the learning rate by {@code gamma} every {@code stepSize} epochs, as PyTorch's {@code StepLR}. */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) {
            throw new IllegalArgumentException("StepLR: stepSize must be positive, got " + stepSize);
        }
        this.stepSize = stepSize;
        this.gamma = gamma;
        begin();
    }

    /** {@code gamma} 0.1, as PyTorch's default. */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    @Override
    protected double lrAt(int t, double base) {
        return base * Math.pow(gamma, t / stepSize);
    }
}
