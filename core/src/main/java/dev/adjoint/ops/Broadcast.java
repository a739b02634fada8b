package dev.adjoint.ops;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Helpers for binary elementwise ops: shape and dtype checks, materialising a broadcast operand. */
public final class Broadcast {
    private Broadcast() {
    }

    /** The result shape of {@code op(a, b)}; rejects mismatched shapes or dtypes with the op's name. */
    public static long[] check(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ: " + a.dtype() + " " + Shapes.str(a.shape()) + " and "
                    + b.dtype() + " " + Shapes.str(b.shape()) + "; convert one of them first");
        }
        return Shapes.broadcast(op, a.shape(), b.shape());
    }

    /** {@code a} expanded to {@code shape} (a copy), or {@code a} itself when it already has that shape. */
    public static INDArray to(INDArray a, long[] shape) {
        if (Arrays.equals(a.shape(), shape)) {
            return a;
        }
        long[] padded = new long[shape.length];
        int offset = shape.length - a.rank();
        for (int i = 0; i < shape.length; i++) {
            padded[i] = i < offset ? 1 : a.size(i - offset);
        }
        INDArray r = a.rank() == shape.length ? a : a.reshape(padded);
        return r.broadcast(shape);
    }

    /**
     * Operands ready for an ND4J elementwise op: the first one always has the full result shape
     * (ND4J broadcasts the second operand only), the second is left for ND4J to broadcast.
     */
    public static INDArray[] operands(INDArray a, INDArray b, long[] shape) {
        INDArray first = to(a, shape);
        INDArray second = b.rank() == 0 || Arrays.equals(b.shape(), shape) ? b : to(b, shape);
        return new INDArray[] {first, second};
    }
}
