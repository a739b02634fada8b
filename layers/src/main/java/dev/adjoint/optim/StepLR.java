package dev.adjoint.optim;

/** Multiplies the learning rate by {@code gamma} every {@code stepSize} calls of {@link #step()} (once per epoch). */
public final class StepLR {
    private final Optimizer optimizer;
    private final int stepSize;
    private final double gamma;
    private final double baseLr;
    private int epoch;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        if (stepSize <= 0) {
            throw new IllegalArgumentException("StepLR: stepSize must be positive, got " + stepSize);
        }
        this.optimizer = optimizer;
        this.stepSize = stepSize;
        this.gamma = gamma;
        this.baseLr = optimizer.lr();
    }

    public void step() {
        epoch++;
        optimizer.setLr(baseLr * Math.pow(gamma, epoch / stepSize));
    }

    public int epoch() {
        return epoch;
    }
}
