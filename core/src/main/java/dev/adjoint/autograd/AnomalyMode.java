package dev.adjoint.autograd;

/**
 * Debug switch, as PyTorch's {@code detect_anomaly}: while enabled, every recorded function
 * remembers where its forward was called; a forward that turns finite inputs into NaN or infinity
 * throws at once, naming the function and the call site; and the engine throws as soon as a
 * backward step produces NaN or infinity, naming the function and where its forward was called.
 * Slow (every output is scanned); for hunting NaNs only.
 *
 * <p>Per thread, as {@link GradMode}: enabling it on one thread does not check another thread's ops.
 */
public final class AnomalyMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private AnomalyMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Enables anomaly detection until the returned scope is closed. */
    public static GradMode.Scope enabled() {
        boolean previous = ENABLED.get();
        ENABLED.set(true);
        return new GradMode.Scope(ENABLED, previous);
    }
}
