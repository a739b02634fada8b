package dev.adjoint.autograd;

/**
 * Debug switch: while enabled, every recorded function remembers where its forward was called,
 * and the engine throws as soon as a backward step produces NaN or infinity, naming the function
 * and that call site. Slow; for hunting NaNs only.
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
