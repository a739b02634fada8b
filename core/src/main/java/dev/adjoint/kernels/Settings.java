package dev.adjoint.kernels;

/**
 * adjoint's system properties, read and checked in one place. {@link #checkAll()} runs when the
 * library first chooses its kernels (the first tensor made), so a mistyped value is an
 * {@link IllegalArgumentException} naming the property there, before any of them has acted: not an
 * {@code ExceptionInInitializerError} inside the first convolution, and not after OpenBLAS's
 * kernels were switched.
 */
public final class Settings {
    /** Which kernels run: {@code fast} (the default) or {@code reference}. */
    public static final String KERNELS = "adjoint.kernels";
    /** How many threads the fast kernels use (default: the machine's processors). */
    public static final String THREADS = "adjoint.threads";
    /** Whether to repair OpenBLAS's kernel choice: {@code auto} (the default) or {@code keep}. */
    public static final String OPENBLAS_CORE = "adjoint.openblas.core";

    private Settings() {
    }

    /** Checks every property of adjoint's that is set; throws for the first bad one. */
    public static void checkAll() {
        kernels();
        threads();
        openblasCore();
    }

    /** {@code -Dadjoint.kernels}: "fast" or "reference". */
    public static String kernels() {
        return kernels(System.getProperty(KERNELS, "fast"));
    }

    /** A value of {@code -Dadjoint.kernels}, normalised: "fast" (also blank) or "reference". */
    static String kernels(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "fast", "" -> "fast";
            case "reference" -> "reference";
            default -> throw new IllegalArgumentException("-D" + KERNELS + "=" + value + ": expected 'fast' or 'reference'");
        };
    }

    /** {@code -Dadjoint.threads}, else {@code Runtime.availableProcessors()}. */
    public static int threads() {
        String v = System.getProperty(THREADS);
        if (v == null || v.isBlank()) {
            return Math.max(1, Runtime.getRuntime().availableProcessors());
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("-D" + THREADS + "=" + v + ": expected a whole number of threads, at least 1");
    }

    /** {@code -Dadjoint.openblas.core}: "auto" (unset) or "keep". */
    public static String openblasCore() {
        String v = System.getProperty(OPENBLAS_CORE, "auto");
        if (!v.equals("auto") && !v.equals("keep")) {
            throw new IllegalArgumentException("-D" + OPENBLAS_CORE + "=" + v + ": expected 'auto' (repair OpenBLAS's fallback choice) or 'keep'");
        }
        return v;
    }
}
