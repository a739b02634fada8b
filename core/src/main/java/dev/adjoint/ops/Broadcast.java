package dev.adjoint.ops;

import dev.adjoint.Arena;
import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Helpers for binary elementwise ops: shape and dtype checks, broadcasting into a new output. */
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

    /** One ND4J binary op writing into a given output: {@code out = x op y}. */
    @FunctionalInterface
    public interface Into {
        INDArray apply(INDArray x, INDArray y, INDArray out);
    }

    /**
     * {@code a op b} with NumPy broadcasting, into a new array of the broadcast {@code shape} (pooled
     * inside an {@link Arena}). ND4J broadcasts natively when given the output; materialising the
     * broadcast operand first costs 50x more for a bias row (docs/PERFORMANCE.md).
     */
    public static INDArray apply(INDArray a, INDArray b, long[] shape, Into op) {
        INDArray out = Arena.allocate(a.dataType(), shape);
        if (out.isEmpty()) {
            return out;
        }
        op.apply(withRank(a, shape.length), withRank(b, shape.length), out);
        return out;
    }

    /** {@code a} broadcast to {@code shape} as a new contiguous array (pooled inside an {@link Arena}). */
    public static INDArray expand(INDArray a, long[] shape) {
        INDArray out = Arena.allocate(a.dataType(), shape);
        if (out.isEmpty()) {
            return out;
        }
        return out.assign(0).addi(withRank(a, shape.length));
    }

    /** A view of {@code a} with leading size-1 dimensions added up to {@code rank}. */
    private static INDArray withRank(INDArray a, int rank) {
        if (a.rank() == rank) {
            return a;
        }
        long[] padded = new long[rank];
        int offset = rank - a.rank();
        for (int i = 0; i < rank; i++) {
            padded[i] = i < offset ? 1 : a.size(i - offset);
        }
        return a.reshape(padded);
    }
}
