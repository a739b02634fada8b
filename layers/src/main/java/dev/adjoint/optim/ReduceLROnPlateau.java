package dev.adjoint.optim;

/**
 * Divides the learning rate by {@code 1 / factor} when a metric (a validation loss) has not improved
 * for {@code patience} epochs, as PyTorch's {@code ReduceLROnPlateau} in mode {@code min} with a
 * relative threshold: an epoch improves when {@code metric < best * (1 - threshold)}. After a
 * reduction, {@code cooldown} epochs pass before counting again; the rate never goes below
 * {@code minLr}, and a reduction smaller than {@code eps} is skipped. Call {@link #step(double)}
 * once per epoch with the metric.
 */
public final class ReduceLROnPlateau {
    private final Optimizer optimizer;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final int cooldown;
    private final double minLr;
    private final double eps;
    private double best = Double.POSITIVE_INFINITY;
    private int badEpochs;
    private int cooldownLeft;
    private int epoch;

    public ReduceLROnPlateau(Optimizer optimizer, double factor, int patience, double threshold, int cooldown, double minLr, double eps) {
        if (!(factor > 0 && factor < 1) || patience < 0 || !(threshold >= 0) || cooldown < 0 || !(minLr >= 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: need factor in (0, 1), non-negative patience, threshold, cooldown and minLr; got "
                    + factor + ", " + patience + ", " + threshold + ", " + cooldown + ", " + minLr);
        }
        this.optimizer = optimizer;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.eps = eps;
    }

    /** PyTorch's defaults: factor 0.1, patience 10, threshold 1e-4, no cooldown, minLr 0, eps 1e-8. */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, 0.1, 10, 1e-4, 0, 0, 1e-8);
    }

    /** One epoch's metric (lower is better). */
    public void step(double metric) {
        epoch++;
        if (metric < best * (1 - threshold)) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badEpochs = 0;
        }
        if (badEpochs > patience) {
            for (int g = 0; g < optimizer.groupCount(); g++) { // every group, each from its own rate
                double old = optimizer.lr(g);
                double lower = Math.max(old * factor, minLr);
                if (old - lower > eps) {
                    optimizer.setLr(g, lower);
                }
            }
            cooldownLeft = cooldown;
            badEpochs = 0;
        }
    }

    public int epoch() {
        return epoch;
    }

    @Override
    public String toString() {
        return "ReduceLROnPlateau(epoch " + epoch + ", best " + best + ", lr " + optimizer.lr() + ")";
    }
}
