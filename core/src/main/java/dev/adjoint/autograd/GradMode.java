package dev.adjoint.autograd;

/**
 * Whether ops record the graph, per thread. Use as a scope:
 * <pre>{@code try (var g = GradMode.disabled()) { ... no graph is recorded here ... }}</pre>
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /**
     * Turns recording off until the returned scope is closed: for evaluation, as PyTorch's
     * {@code torch.no_grad()}: no graph keeps the outputs' inputs alive, so each op's memory can be
     * reused as soon as the program lets go of its output.
     */
    public static Scope disabled() {
        return set(false);
    }

    /** Turns recording on until the returned scope is closed (e.g. inside a no-grad block). */
    public static Scope enabled() {
        return set(true);
    }

    public static Scope set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return new Scope(ENABLED, previous);
    }

    /** Restores the previous setting when closed. */
    public static final class Scope implements AutoCloseable {
        private final ThreadLocal<Boolean> flag;
        private final boolean previous;

        Scope(ThreadLocal<Boolean> flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        @Override
        public void close() {
            flag.set(previous);
        }
    }
}
