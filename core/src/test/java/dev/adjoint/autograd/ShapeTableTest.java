package dev.adjoint.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Recorded functions share one array per shape, never the caller's own array. */
class ShapeTableTest {
    @Test
    void equalShapesGiveOneArrayThatTheCallerCannotChange() {
        long[] mine = {3, 1, 4, 1, 5, 9, 2, 6}; // a shape no other test records
        long[] shared = ShapeTable.shared(mine);
        assertThat(shared).containsExactly(3, 1, 4, 1, 5, 9, 2, 6).isNotSameAs(mine);
        assertThat(ShapeTable.shared(mine.clone())).isSameAs(shared);
        mine[0] = 7; // the caller reusing its array changes nothing recorded
        assertThat(ShapeTable.shared(new long[] {3, 1, 4, 1, 5, 9, 2, 6})).isSameAs(shared).startsWith(3);
    }

    @Test
    void twoGraphsOfTheSameShapesShareTheirShapeArrays() {
        Tensor w = Tensor.randn(1, DType.FLOAT64, 5, 7).requiresGrad(true);
        Function a = Tensor.randn(2, DType.FLOAT64, 5, 7).mul(w).creator();
        Function b = Tensor.randn(3, DType.FLOAT64, 5, 7).mul(w).creator();
        assertThat(a.inputShape(0)).containsExactly(5, 7).isSameAs(b.inputShape(0)).isSameAs(a.inputShape(1));
    }

    /** What a kept graph's nodes hold besides their own fields is shared between graphs of the same shapes. */
    @Test
    void twoGraphsOfTheSameShapesShareShapeListsEmptyEdgesAndGeometry() {
        Tensor w = Tensor.randn(4, DType.FLOAT64, 3, 2, 3, 3).requiresGrad(true);
        Function[] convs = new Function[2];
        Function[] pools = new Function[2];
        for (int i = 0; i < 2; i++) {
            Tensor y = dev.adjoint.ops.F.conv2d(Tensor.randn(5 + i, DType.FLOAT64, 2, 2, 6, 6), w, null, 1, 1);
            convs[i] = y.creator();
            pools[i] = dev.adjoint.ops.F.maxPool2d(y, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}).creator();
        }
        assertThat(convs[0].inputShapesList()).isSameAs(convs[1].inputShapesList());
        assertThat(pools[0].inputShapesList()).isSameAs(pools[1].inputShapesList()).isNotSameAs(convs[0].inputShapesList());
        // max pooling's input is no leaf: its leaf edges are the one shared all-null array
        assertThat(pools[0].nextLeaves()).containsOnlyNulls().isSameAs(pools[1].nextLeaves());
        assertThat(pools[0].nextFunctions()).containsExactly(convs[0]);
        // the convolutions' geometry is one object, printed the same
        assertThat(convs[0].toString().replaceAll("#\\d+", "")).isEqualTo(convs[1].toString().replaceAll("#\\d+", ""));
        assertThat(geometry(convs[0])).isNotNull().isSameAs(geometry(convs[1]));
        assertThat(geometry(pools[0])).isNotNull().isSameAs(geometry(pools[1]));
    }

    /** The geometry field of a conv or pooling node (each keeps exactly one). */
    private static Object geometry(Function fn) {
        for (Class<?> c = fn.getClass(); c != Function.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.getType().getSimpleName().endsWith("Geometry")) {
                    f.setAccessible(true);
                    try {
                        return f.get(fn);
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return null;
    }
}
