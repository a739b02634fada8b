package dev.adjoint.examples;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.nd4j.linalg.factory.Nd4j;

/** Sets how many threads ND4J's own kernels and its BLAS (OpenBLAS) use. */
final class Threads {
    private Threads() {
    }

    /** The C library's setenv, through JNA (already on the classpath through ND4J; see the pom). */
    private interface C extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * Limits ND4J to {@code n} threads (0: leave its defaults). ND4J's native library sizes its
     * thread pool from {@code OMP_NUM_THREADS} when it loads, and the Java setters below only
     * lower how many of those threads an op uses: the rest stay awake, spinning on the second core
     * that the conv kernels want (LeNet epoch 17.7 s with the variable set vs 20.7 s with the
     * setters alone, docs/PERFORMANCE.md). So the variable is set in this process before ND4J
     * loads, unless the user set it. Call before anything touches ND4J.
     */
    static void set(int n) {
        if (n <= 0) {
            return;
        }
        if (System.getenv("OMP_NUM_THREADS") == null) {
            try {
                C c = Native.loadLibrary("c", C.class);
                c.setenv("OMP_NUM_THREADS", Integer.toString(n), 0);
                c.setenv("OMP_WAIT_POLICY", "passive", 0); // idle threads sleep instead of spinning
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                System.err.println("note: could not set OMP_NUM_THREADS (" + e.getMessage() + "); ND4J keeps its default threads");
            }
        }
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
    }
}
