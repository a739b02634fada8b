package dev.adjoint.optim;

/**
 * A learning-rate schedule, as PyTorch's {@code torch.optim.lr_scheduler}: made on an optimizer
 * (whose learning rate when its first scheduler was made is the base of all its schedulers, as
 * PyTorch's {@code initial_lr}), it sets the optimizer's learning rate for
 * epoch 0 at once, and for the next epoch at every {@link #step()} (call it once per epoch, or once
 * per batch for per-step schedules such as {@link OneCycleLR}, after {@code optimizer.step()}).
 * Each subclass says in {@link #lrAt(int, double)} what the rate is at epoch t, in closed form.
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    /** The first group's base learning rate (each group has its own: {@code Optimizer.initialLr(g)}). */
    protected final double baseLr;
    private int epoch;

    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        for (int g = 0; g < optimizer.groupCount(); g++) {
            optimizer.initialLr(g);
        }
        this.baseLr = optimizer.initialLr(0);
    }

    /** The learning rate at epoch {@code t} (0: when made) of a group whose base rate is {@code base}. */
    protected abstract double lrAt(int t, double base);

    /** Sets epoch 0's rate; subclasses call it last in their constructor, once their fields are set. */
    protected final void begin() {
        setRates(0);
    }

    /** Moves to the next epoch and sets its learning rate in every group. */
    public void step() {
        epoch++;
        setRates(epoch);
    }

    private void setRates(int t) {
        for (int g = 0; g < optimizer.groupCount(); g++) {
            optimizer.setLr(g, lrAt(t, optimizer.initialLr(g)));
        }
    }

    /** How many times {@link #step()} ran (PyTorch's {@code last_epoch}). */
    public int epoch() {
        return epoch;
    }

    /** The learning rate set last (PyTorch's {@code get_last_lr()[0]}). */
    public double lastLr() {
        return optimizer.lr();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(epoch " + epoch + ", lr " + optimizer.lr() + ")";
    }
}
