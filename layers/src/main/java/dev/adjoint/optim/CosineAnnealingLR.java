package dev.adjoint.optim;

/**
 * Cosine schedule from the initial learning rate down to {@code etaMin} over {@code tMax} epochs,
 * as PyTorch's {@code CosineAnnealingLR}: {@code lr = etaMin + (base - etaMin) (1 + cos(pi t / tMax)) / 2}
 * (PyTorch computes the same values recursively; they agree to rounding).
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax <= 0) {
            throw new IllegalArgumentException("CosineAnnealingLR: tMax must be positive, got " + tMax);
        }
        this.tMax = tMax;
        this.etaMin = etaMin;
        begin();
    }

    /** Down to 0, PyTorch's default {@code eta_min}. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    @Override
    protected double lrAt(int t, double base) {
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }
}
