package dev.adjoint.ops;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;

/** Shape and dtype checks for binary elementwise ops (the arithmetic is {@code Kernels.binary}). */
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

    /**
     * For ops whose two inputs must match exactly (a backward taking gy and the forward's output):
     * rejects different shapes or dtypes, naming the op and both inputs.
     */
    public static void checkSame(String op, String aName, Tensor a, String bName, Tensor b) {
        if (a.dtype() != b.dtype() || !java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": " + aName + " " + a.dtype() + " " + Shapes.str(a.shape()) + " and " + bName + " "
                    + b.dtype() + " " + Shapes.str(b.shape()) + " must have the same shape and dtype");
        }
    }
}
