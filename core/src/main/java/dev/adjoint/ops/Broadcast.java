package dev.adjoint.ops;

import dev.adjoint.Arena;
import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
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

    /** The four arithmetic ops, each as ND4J's broadcasting op and as a Java loop for small float32 arrays. */
    public enum Arith {
        ADD, SUB, MUL, DIV;

        INDArray nd4j(INDArray x, INDArray y, INDArray out) {
            return switch (this) {
                case ADD -> x.add(y, out);
                case SUB -> x.sub(y, out);
                case MUL -> x.mul(y, out);
                case DIV -> x.div(y, out);
            };
        }

        /** {@code out[o + i] = x[xo + i] op y[yo + i]} for i in [0, n); one loop per op so each stays simple. */
        void rows(float[] x, int xo, float[] y, int yo, float[] out, int o, int n) {
            switch (this) {
                case ADD -> { for (int i = 0; i < n; i++) { out[o + i] = x[xo + i] + y[yo + i]; } }
                case SUB -> { for (int i = 0; i < n; i++) { out[o + i] = x[xo + i] - y[yo + i]; } }
                case MUL -> { for (int i = 0; i < n; i++) { out[o + i] = x[xo + i] * y[yo + i]; } }
                case DIV -> { for (int i = 0; i < n; i++) { out[o + i] = x[xo + i] / y[yo + i]; } }
            }
        }
    }


    /**
     * {@code a op b} with NumPy broadcasting, into a new array of the broadcast {@code shape} (pooled
     * inside an {@link Arena}). ND4J broadcasts natively when given the output; materialising the
     * broadcast operand first costs 50x more for a bias row (docs/PERFORMANCE.md).
     */
    public static INDArray apply(INDArray a, INDArray b, long[] shape, Arith op) {
        INDArray out = Arena.allocate(a.dataType(), shape);
        if (out.isEmpty()) {
            return out;
        }
        if (!inJava(a, b, out, op)) {
            op.nd4j(withRank(a, shape.length), withRank(b, shape.length), out);
        }
        return out;
    }

    /** The Java loop for small dense float32 operands that each are whole or repeat along leading dims. */
    private static boolean inJava(INDArray a, INDArray b, INDArray out, Arith op) {
        long n = out.length();
        if (n > Host.SMALL || out.dataType() != DataType.FLOAT || !Host.isDense(out) || !Host.isDense(a) || !Host.isDense(b)
                || !repeats(a.shape(), out.shape()) || !repeats(b.shape(), out.shape())) {
            return false;
        }
        int na = (int) a.length();
        int nb = (int) b.length();
        float[] x = Host.floatsInto(a, Host.floatScratch("broadcast.a", na));
        float[] y = Host.floatsInto(b, Host.floatScratch("broadcast.b", nb));
        float[] r = Host.floatScratch("broadcast.out", (int) n);
        if (na == n && nb == n) {
            op.rows(x, 0, y, 0, r, 0, (int) n);
        } else if (na == n) {
            for (int o = 0; o < n; o += nb) {
                op.rows(x, o, y, 0, r, o, nb);
            }
        } else if (nb == n) {
            for (int o = 0; o < n; o += na) {
                op.rows(x, 0, y, o, r, o, na);
            }
        } else {
            return false; // both operands repeat (e.g. [1, 3] op [2, 1]): ND4J's general broadcast
        }
        Host.floatView(out).put(r, 0, (int) n);
        return true;
    }

    /**
     * Whether {@code s}, without its leading 1s, equals the trailing dimensions of {@code full}: the
     * operand's values then repeat whole along the leading dimensions of the result.
     */
    private static boolean repeats(long[] s, long[] full) {
        int lead = 0;
        while (lead < s.length && s[lead] == 1) {
            lead++;
        }
        int len = s.length - lead;
        if (len > full.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s[lead + i] != full[full.length - len + i]) {
                return false;
            }
        }
        return true;
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
