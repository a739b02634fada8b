package dev.adjoint.kernels.cpu;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * OpenBLAS's sgemm called directly on the memory of ND4J arrays, at element offsets.
 *
 * <p>Why not {@code Nd4j.gemm}: that wants whole arrays, so a gemm per sample would need a view per
 * operand and call (tens of microseconds and a handful of objects each), and it goes through
 * ND4J's op machinery. The conv kernels run one gemm per sample on slices of one batch array;
 * this is the same OpenBLAS ND4J itself calls, with the offset added to the pointer.
 *
 * <p>Every extent is checked against the arrays' lengths before the call, so a wrong size is an
 * {@link IllegalArgumentException} and never a read or write outside the memory.
 */
public final class Blas {
    private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
    private static final int NO_TRANS = openblas_nolapack.CblasNoTrans;
    private static final int TRANS = openblas_nolapack.CblasTrans;

    static {
        OpenBlasCore.describe(); // OpenBLAS's kernels are chosen (and a misdetection repaired) before the first call
    }

    private Blas() {
    }

    /**
     * A pointer to the memory of a dense float32 array, for {@link #sgemm} and {@link #saxpy}; its
     * capacity is the array's length, against which every call checks its extent. Take it once per
     * array and kernel call: asking ND4J for the address costs a few JNI calls.
     */
    public static FloatPointer pointer(INDArray a) {
        if (a.dataType() != DataType.FLOAT || !Host.isDense(a)) {
            throw new IllegalArgumentException("Blas.pointer: expected a dense float32 array, got " + a.dataType() + " "
                    + java.util.Arrays.toString(a.shape()) + (a.isView() ? " (a view)" : ""));
        }
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        return p.capacity(a.length()).limit(a.length());
    }

    /**
     * {@code C = alpha * op(A) x op(B) + beta * C}, row-major, {@code op(A)} {@code [m, k]},
     * {@code op(B)} {@code [k, n]}, C {@code [m, n]}; each matrix starts at its element offset in its
     * array ({@link #pointer}) and has the given leading dimension (row length in memory).
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, long aOff, int lda,
            FloatPointer b, long bOff, int ldb, float beta, FloatPointer c, long cOff, int ldc) {
        check("A", a, aOff, transA ? k : m, transA ? m : k, lda);
        check("B", b, bOff, transB ? n : k, transB ? k : n, ldb);
        check("C", c, cOff, m, n, ldc);
        Cursor[] at = CURSORS.get();
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                at[0].at(a, aOff), lda, at[1].at(b, bOff), ldb, beta, at[2].at(c, cOff), ldc);
    }

    /** {@code y += alpha * x} over {@code len} elements from the given offsets. */
    public static void saxpy(int len, float alpha, FloatPointer x, long xOff, FloatPointer y, long yOff) {
        check("x", x, xOff, 1, len, len);
        check("y", y, yOff, 1, len, len);
        Cursor[] at = CURSORS.get();
        openblas_nolapack.cblas_saxpy(len, alpha, at[0].at(x, xOff), 1, at[1].at(y, yOff), 1);
    }

    /**
     * Three pointers per thread, moved to an array's address and offset for one call: two threads
     * may use the same array at different offsets, and a new pointer per operand and call is heap
     * garbage on every gemm (a LeNet step makes about 200).
     */
    private static final ThreadLocal<Cursor[]> CURSORS = ThreadLocal.withInitial(() -> new Cursor[] {new Cursor(), new Cursor(), new Cursor()});

    /** A FloatPointer that can be pointed elsewhere (JavaCPP lets subclasses set the address). */
    private static final class Cursor extends FloatPointer {
        Cursor at(FloatPointer base, long offset) {
            address = base.address();
            capacity = base.capacity();
            limit = base.limit();
            position = offset;
            return this;
        }
    }

    private static void check(String name, FloatPointer a, long offset, int rows, int cols, int ld) {
        if (rows < 0 || cols < 0 || ld < Math.max(1, cols) || offset < 0
                || (rows > 0 && cols > 0 && offset + (long) (rows - 1) * ld + cols > a.capacity())) {
            throw new IllegalArgumentException("Blas: " + name + " [" + rows + " x " + cols + "] with leading dimension " + ld
                    + " at offset " + offset + " does not fit in an array of " + a.capacity() + " elements");
        }
    }
}
