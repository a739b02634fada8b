package dev.adjoint.kernels;

import dev.adjoint.kernels.cpu.CpuKernels;
import dev.adjoint.kernels.reference.ReferenceKernels;
import org.nd4j.linalg.factory.Nd4j;

/** Which {@link Kernels} run: read once from {@code -Dadjoint.kernels}, switched by tests through {@link Kernels#use}. */
public final class Selection {
    /** The system property naming the kernels: {@code fast} (the default) or {@code reference}. */
    public static final String PROPERTY = Settings.KERNELS;

    static final Kernels REFERENCE = new ReferenceKernels();
    private static volatile Kernels fast;
    private static volatile Kernels chosen;
    private static volatile Kernels override;

    private Selection() {
    }

    static Kernels current() {
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

    static Kernels fromProperty(String value) {
        return Settings.kernels(value).equals("reference") ? REFERENCE : fast();
    }

    static Kernels fast() {
        Kernels k = fast;
        if (k == null) {
            Settings.checkAll();
            // The CPU kernels call OpenBLAS on ND4J's memory: only ND4J's native CPU backend has that memory on the host.
            boolean nativeCpu = Nd4j.getBackend().getClass().getName().equals("org.nd4j.linalg.cpu.nativecpu.CpuBackend");
            k = fast = nativeCpu ? new CpuKernels() : REFERENCE;
        }
        return k;
    }

    static Scope use(Kernels kernels) {
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
