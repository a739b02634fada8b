package dev.adjoint.kernels;

import dev.adjoint.kernels.cpu.CpuKernels;
import dev.adjoint.kernels.reference.ReferenceKernels;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which {@link Kernels} run, and where every caller gets them: {@link #current()}. Read once from
 * {@code -Dadjoint.kernels}; tests and benchmarks switch with {@link #use}. It depends on the
 * kernel classes it chooses between; they do not depend on it.
 */
public final class KernelSelection {
    /** The system property naming the kernels: {@code fast} (the default) or {@code reference}. */
    public static final String PROPERTY = Settings.KERNELS;

    static final Kernels REFERENCE = new ReferenceKernels();
    private static volatile Kernels fast;
    private static volatile Kernels chosen;
    private static volatile Kernels override;

    private KernelSelection() {
    }

    /** The kernels in use: the ones {@link #use} selected, else those named by {@code -Dadjoint.kernels}. */
    public static Kernels current() {
        Kernels k = override;
        if (k != null) {
            return k;
        }
        k = chosen;
        if (k == null) {
            Settings.checkAll(); // every property, before any of them acts
            k = chosen = fromProperty(System.getProperty(PROPERTY, "fast"));
        }
        return k;
    }

    /** The kernels a value of {@code -Dadjoint.kernels} names. */
    static Kernels fromProperty(String value) {
        return Settings.kernels(value).equals("reference") ? REFERENCE : fast();
    }

    /** The fast kernels for this ND4J backend: the CPU kernels on ND4J's native CPU backend, else the reference ones. */
    public static Kernels fast() {
        Kernels k = fast;
        if (k == null) {
            Settings.checkAll();
            // The CPU kernels call OpenBLAS on ND4J's memory: only ND4J's native CPU backend has that memory on the host.
            boolean nativeCpu = Nd4j.getBackend().getClass().getName().equals("org.nd4j.linalg.cpu.nativecpu.CpuBackend");
            k = fast = nativeCpu ? new CpuKernels() : REFERENCE;
        }
        return k;
    }

    /** The reference kernels (ND4J operations only, single-threaded). */
    public static Kernels reference() {
        return REFERENCE;
    }

    /**
     * Makes {@code kernels} the ones {@link #current()} returns, for every thread, until the returned
     * handle is closed (then the previous choice is back): for tests and benchmarks that compare the two.
     */
    public static Scope use(Kernels kernels) {
        Scope s = new Scope(override);
        override = kernels;
        return s;
    }

    /** Restores the previous choice when closed. */
    public static final class Scope implements AutoCloseable {
        private final Kernels previous;

        private Scope(Kernels previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            override = previous;
        }
    }
}
