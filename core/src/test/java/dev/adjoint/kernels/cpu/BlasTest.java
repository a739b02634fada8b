package dev.adjoint.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
