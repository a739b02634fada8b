package dev.adjoint.optim;

/**
 * Schedules one after another, as PyTorch's {@code SequentialLR}: {@code schedulers[i]} runs from
 * epoch {@code milestones[i - 1]} (counting its own epochs from 0 there) until {@code milestones[i]};
 * e.g. {@code new SequentialLR(opt, new LRScheduler[] {warmup, cosine}, new int[] {5})}. Each
 * schedule is computed from the optimizer's initial learning rate.
 */
public final class SequentialLR extends LRScheduler {
    private final LRScheduler[] schedulers;
    private final int[] milestones;

    public SequentialLR(Optimizer optimizer, LRScheduler[] schedulers, int[] milestones) {
        super(optimizer);
        if (schedulers.length == 0 || milestones.length != schedulers.length - 1) {
            throw new IllegalArgumentException("SequentialLR: expected " + Math.max(0, schedulers.length - 1) + " milestones for "
                    + schedulers.length + " schedulers, got " + milestones.length);
        }
        for (LRScheduler s : schedulers) {
            if (s.optimizer != optimizer) {
                throw new IllegalArgumentException("SequentialLR: every scheduler must belong to the same optimizer");
            }
        }
        this.schedulers = schedulers.clone();
        this.milestones = milestones.clone();
        begin();
    }

    @Override
    protected double lrAt(int t, double base) {
        int i = 0;
        while (i < milestones.length && milestones[i] <= t) {
            i++;
        }
        return schedulers[i].lrAt(i == 0 ? t : t - milestones[i - 1], base);
    }
}
