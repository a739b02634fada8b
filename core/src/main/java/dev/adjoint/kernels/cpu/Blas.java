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
        int plan = SMALL_KERNELS ? cut(transA, transB, m, n, k) : 1;
        if (plan == 1) {
            call(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            inParts(Math.abs(plan), plan < 0, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    private static void call(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, long aOff, int lda,
            FloatPointer b, long bOff, int ldb, float beta, FloatPointer c, long cOff, int ldc) {
        Cursor[] at = CURSORS.get();
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                at[0].at(a, aOff), lda, at[1].at(b, bOff), ldb, beta, at[2].at(c, cOff), ldc);
    }

    /*
     * OpenBLAS 0.3.19's Skylake-X and Cooper Lake kernel tables (its AVX-512 ones) compute a product
     * that its small-matrix rule admits with kernels that read the operands where they lie; any other
     * product is packed into blocks first. The rule (kernel/x86_64/sgemm_small_kernel_permit_skylakex.c),
     * for OpenBLAS's column-major view of our row-major call (its M is our n, its N our m, its A our B):
     * at most 100^3 multiply-adds, and when only its A is transposed (our B) an output of at most 1,200
     * elements and K of at least 32. Products of ResNet's weight gradients and stride-2 convolutions
     * fall just outside it and ran 1.6-2x faster cut into parts inside it (docs/PERFORMANCE.md). A cut
     * only splits C's rows or columns: every element sums over the same k products in the same order.
     */
    private static final boolean SMALL_KERNELS = OpenBlasCore.runsAvx512Kernels();
    private static final double SMALL_MAX_MULTIPLY_ADDS = 1e6;
    private static final long SMALL_MAX_OUTPUT_B_TRANSPOSED = 1200;
    private static final int SMALL_MIN_K_B_TRANSPOSED = 32;

    /**
     * The most parts a product is cut into: each is one more call (about a third of a microsecond),
     * and 64-column outputs, which need 16 parts or more, gained little or nothing (288 x 64 x 64:
     * 22% in 16 parts; 576 x 64 x 64: none in 32).
     */
    static final int MAX_PARTS = 16;

    /** Whether OpenBLAS's small-matrix rule (above) admits this row-major product. */
    static boolean smallKernelsTake(boolean transA, boolean transB, int m, int n, int k) {
        if ((double) m * n * k > SMALL_MAX_MULTIPLY_ADDS) {
            return false;
        }
        if (transB && !transA) {
            return (long) m * n <= SMALL_MAX_OUTPUT_B_TRANSPOSED && k >= SMALL_MIN_K_B_TRANSPOSED;
        }
        return !(transB && transA) || k >= 4;
    }

    /**
     * How to cut {@code C [m, n]} so that OpenBLAS's small-matrix kernels take every part: 1 to leave
     * it whole (they take it already, or no cut of at most {@link #MAX_PARTS} would do), p for p
     * bands of rows, -p for p bands of columns; the fewer parts win, and at equal parts rows (bands
     * of rows ran faster than bands of columns on most shapes measured, docs/PERFORMANCE.md).
     */
    static int cut(boolean transA, boolean transB, int m, int n, int k) {
        if (smallKernelsTake(transA, transB, m, n, k)) {
            return 1;
        }
        for (int p = 2; p <= MAX_PARTS; p++) {
            boolean rows = p <= m && smallKernelsTake(transA, transB, ceilDiv(m, p), n, k);
            boolean cols = p <= n && smallKernelsTake(transA, transB, m, ceilDiv(n, p), k);
            if (rows || cols) {
                return rows ? p : -p;
            }
        }
        return 1;
    }

    /** The product as {@code parts} bands of C's rows (or columns): each band's rows of op(A) (or columns of op(B)) and of C. */
    static void inParts(int parts, boolean byColumns, boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a,
            long aOff, int lda, FloatPointer b, long bOff, int ldb, float beta, FloatPointer c, long cOff, int ldc) {
        int whole = byColumns ? n : m;
        int band = ceilDiv(whole, parts);
        for (int from = 0; from < whole; from += band) {
            int size = Math.min(band, whole - from);
            if (byColumns) { // columns of op(B): B [k, n] moves along a row, B^T [n, k] down its rows
                call(transA, transB, m, size, k, alpha, a, aOff, lda, b, bOff + (transB ? (long) from * ldb : from), ldb, beta, c, cOff + from,
                        ldc);
            } else { // rows of op(A): A [m, k] down its rows, A^T [k, m] along a row
                call(transA, transB, size, n, k, alpha, a, aOff + (transA ? from : (long) from * lda), lda, b, bOff, ldb, beta, c,
                        cOff + (long) from * ldc, ldc);
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
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
