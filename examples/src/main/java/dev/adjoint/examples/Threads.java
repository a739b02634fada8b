package dev.adjoint.examples;

import org.nd4j.linalg.factory.Nd4j;

/** Sets how many threads ND4J's own kernels and its BLAS (OpenBLAS) use. */
final class Threads {
    private Threads() {
    }

    static void set(int n) {
        if (n <= 0) {
            return;
        }
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
    }
}
