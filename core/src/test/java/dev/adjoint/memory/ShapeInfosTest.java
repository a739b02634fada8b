package dev.adjoint.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Pooled arrays share shape information per (type, shape): each must still be its own array. */
class ShapeInfosTest {

    private static INDArray counting(DataType type, long... shape) {
        return Nd4j.arange(Nd4j.create(type, shape).length()).castTo(type).reshape(shape);
    }

    @Test
    void arraysOfOneShapeKeepTheirOwnValuesShapeAndViews() {
        INDArray expected = counting(DataType.FLOAT, 2, 3, 4);
        INDArray a = Memory.allocate(DataType.FLOAT, 2, 3, 4).assign(expected);
        INDArray view = a.get(NDArrayIndex.point(1));
        INDArray b = Memory.allocate(DataType.FLOAT, 2, 3, 4).assign(-1);
        INDArray c = Memory.allocate(DataType.FLOAT, 2, 3, 4).assign(7);

        assertThat(a).isEqualTo(expected);
        assertThat(view).isEqualTo(expected.get(NDArrayIndex.point(1)));
        assertThat(b.sumNumber().doubleValue()).isEqualTo(-24.0);
        assertThat(c.sumNumber().doubleValue()).isEqualTo(7 * 24.0);
        for (INDArray x : new INDArray[] {a, b, c}) {
            assertThat(x.shape()).containsExactly(2, 3, 4);
            assertThat(x.stride()).containsExactly(12, 4, 1);
            assertThat(x.ordering()).isEqualTo('c');
            assertThat(x.isView()).isFalse();
            assertThat(x.dataType()).isEqualTo(DataType.FLOAT);
        }
        assertThat(a.reshape(6, 4)).isEqualTo(expected.reshape(6, 4));
        assertThat(a.permute(2, 0, 1).dup()).isEqualTo(expected.permute(2, 0, 1).dup());
        assertThat(a.add(b)).isEqualTo(expected.sub(1));
    }

    @Test
    void typesOfOneShapeDoNotShareShapeInformation() {
        INDArray f = Memory.allocate(DataType.FLOAT, 5, 7).assign(1);
        INDArray d = Memory.allocate(DataType.DOUBLE, 5, 7).assign(1 + 1e-12);
        INDArray f2 = Memory.allocate(DataType.FLOAT, 5, 7).assign(2);

        assertThat(d.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(f.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(f2.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(d.getDouble(4, 6)).isEqualTo(1 + 1e-12); // float32 would round it to 1
        assertThat(f.sumNumber().doubleValue()).isEqualTo(35.0);
        assertThat(f2.sumNumber().doubleValue()).isEqualTo(70.0);
    }
}
