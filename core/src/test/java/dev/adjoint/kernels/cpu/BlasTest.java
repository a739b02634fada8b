package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BlasTest {
    @Test
    void sgemmAtOffsetsMultipliesTheRightBlocks() {
        // A = [[1, 2, 3], [4, 5, 6]] stored after two unrelated values; B = [[1, 0], [0, 1], [1, 1]]
        INDArray a = Nd4j.createFromArray(9f, 9f, 1f, 2f, 3f, 4f, 5f, 6f);
        INDArray b = Nd4j.createFromArray(1f, 0f, 0f, 1f, 1f, 1f);
        INDArray c = Nd4j.createFromArray(7f, 7f, 7f, 7f, 7f);
        Blas.sgemm(false, false, 2, 2, 3, 1f, Blas.pointer(a), 2, 3, Blas.pointer(b), 0, 2, 0f, Blas.pointer(c), 1, 2);
        // A x B = [[1 + 3, 2 + 3], [4 + 6, 5 + 6]]; c[0] is outside the block and stays 7
        assertThat(c.toFloatVector()).containsExactly(7f, 4f, 5f, 10f, 11f);
    }

    @Test
    void transposedOperandsAndAccumulation() {
        INDArray a = Nd4j.createFromArray(1f, 4f, 2f, 5f, 3f, 6f); // [3 x 2], A^T = [[1, 2, 3], [4, 5, 6]]
        INDArray b = Nd4j.createFromArray(1f, 0f, 1f, 0f, 1f, 1f); // [2 x 3], B^T = [[1, 0], [0, 1], [1, 1]]
        INDArray c = Nd4j.createFromArray(1f, 1f, 1f, 1f);
        Blas.sgemm(true, true, 2, 2, 3, 2f, Blas.pointer(a), 0, 2, Blas.pointer(b), 0, 3, 1f, Blas.pointer(c), 0, 2);
        assertThat(c.toFloatVector()).containsExactly(9f, 11f, 21f, 23f);
        Blas.saxpy(2, -1f, Blas.pointer(c), 2, Blas.pointer(c), 0);
        assertThat(c.toFloatVector()).containsExactly(-12f, -12f, 21f, 23f);
    }

    @Test
    void extentsOutsideTheArrayAreRejectedBeforeTheCall() {
        FloatPointer six = Blas.pointer(Nd4j.create(DataType.FLOAT, 6));
        FloatPointer four = Blas.pointer(Nd4j.create(DataType.FLOAT, 4));
        assertThatThrownBy(() -> Blas.sgemm(false, false, 2, 2, 3, 1f, six, 1, 3, six, 0, 2, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A [2 x 3]").hasMessageContaining("6 elements");
        assertThatThrownBy(() -> Blas.sgemm(false, false, 2, 2, 3, 1f, six, 0, 3, six, 0, 2, 0f, four, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C [2 x 2]");
        assertThatThrownBy(() -> Blas.sgemm(false, false, 2, 2, 3, 1f, six, 0, 2, six, 0, 2, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leading dimension 2");
        assertThatThrownBy(() -> Blas.pointer(Nd4j.create(DataType.DOUBLE, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32");
        assertThatThrownBy(() -> Blas.pointer(Nd4j.create(DataType.FLOAT, 4, 4).getColumn(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A product cut into bands of C's rows or columns, with every pair of transposes, uneven bands,
     * offsets and leading dimensions wider than the matrices, against the product computed in
     * float64 here: each band must read its own rows of op(A) or columns of op(B).
     */
    @Test
    void aProductCutIntoBandsIsTheWholeProduct() {
        Random r = new Random(5);
        int m = 13;
        int n = 11;
        int k = 7;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                int lda = (transA ? m : k) + 2;
                int ldb = (transB ? k : n) + 3;
                int ldc = n + 1;
                float[] av = randomFloats(r, 1 + (transA ? k : m) * lda);
                float[] bv = randomFloats(r, 2 + (transB ? n : k) * ldb);
                float[] cv = randomFloats(r, 3 + m * ldc);
                double[] want = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        for (int q = 0; q < k; q++) {
                            double aq = av[1 + (transA ? q * lda + i : i * lda + q)];
                            double bq = bv[2 + (transB ? j * ldb + q : q * ldb + j)];
                            sum += aq * bq;
                        }
                        want[i * n + j] = 1.5 * sum + 0.5 * cv[3 + i * ldc + j];
                    }
                }
                for (boolean byColumns : new boolean[] {false, true}) {
                    for (int parts : new int[] {2, 3, 4}) {
                        INDArray c = Nd4j.createFromArray(cv.clone());
                        Blas.inParts(parts, byColumns, transA, transB, m, n, k, 1.5f, Blas.pointer(Nd4j.createFromArray(av)), 1, lda,
                                Blas.pointer(Nd4j.createFromArray(bv)), 2, ldb, 0.5f, Blas.pointer(c), 3, ldc);
                        float[] got = c.toFloatVector();
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                assertThat((double) got[3 + i * ldc + j]).as("transA %s transB %s %d %s, C[%d, %d]", transA, transB, parts,
                                        byColumns ? "column bands" : "row bands", i, j).isCloseTo(want[i * n + j],
                                                org.assertj.core.data.Offset.offset(1e-4));
                            }
                            assertThat(got[3 + i * ldc + n]).as("the place past row %d's end", i).isEqualTo(cv[3 + i * ldc + n]);
                        }
                    }
                }
            }
        }
    }

    /** OpenBLAS 0.3.19's small-matrix rule on ResNet's shapes, and the cut that brings a product under it. */
    @Test
    void productsAreCutOnlyWhereTheSmallMatrixKernelsWouldTakeTheParts() {
        // the weight gradient gw^T [144, 32] += col [144, 256] x gy^T: 1.18 M multiply-adds, and with gy
        // transposed an output over 1,200; four bands of 36 rows are 1,152 each
        assertThat(Blas.smallKernelsTake(false, true, 144, 32, 256)).isFalse();
        assertThat(Blas.cut(false, true, 144, 32, 256)).isEqualTo(4);
        assertThat(Blas.cut(false, true, 96, 32, 286)).isEqualTo(3);
        // taken whole already: left whole
        assertThat(Blas.cut(false, true, 48, 16, 1086)).isEqualTo(1);
        assertThat(Blas.cut(false, false, 16, 1086, 16)).isEqualTo(1);
        // a forward W [32, 144] x col [144, 256]: two bands, of rows where rows will do
        assertThat(Blas.cut(false, false, 32, 256, 144)).isEqualTo(2);
        // gy transposed with 1,600 columns: no band of rows is small enough, bands of columns are
        assertThat(Blas.cut(false, true, 1, 1600, 40)).isEqualTo(-2);
        // 576 x 64 with gy transposed would need 32 bands: more than MAX_PARTS, left whole
        assertThat(Blas.cut(false, true, 576, 64, 64)).isEqualTo(1);
        // K below 32 with gy transposed: no cut brings it under the rule
        assertThat(Blas.cut(false, true, 400, 400, 16)).isEqualTo(1);
    }

    private static float[] randomFloats(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
