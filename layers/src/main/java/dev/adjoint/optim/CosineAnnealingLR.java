package dev.adjoint.optim;

/**
 * Cosine schedule from the initial learning rate down to {@code etaMin} over {@code tMax} calls
 * of {@link #step()}: {@code lr = etaMin + (base - etaMin) (1 + cos(pi t / tMax)) / 2}.
 */
public final class CosineAnnealingLR {
    private final Optimizer optimizer;
    private final int tMax;
    private final double etaMin;
    private final double baseLr;
    private int epoch;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        if (tMax <= 0) {
            throw new IllegalArgumentException("CosineAnnealingLR: tMax must be positive, got " + tMax);
        }
        this.optimizer = optimizer;
        this.tMax = tMax;
        this.etaMin = etaMin;
        this.baseLr = optimizer.lr();
    }

    public void step() {
        epoch++;
        optimizer.setLr(etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2);
    }

    public int epoch() {
        return epoch;
    }
}
