package dev.adjoint.ops.shape;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Same values, row-major, in a new shape (one size may be -1: inferred). Backward: reshape back. */
public final class Reshape extends Function {
    private final long[] requested;

    public Reshape(long[] shape) {
        this.requested = shape.clone();
    }

    /** Resolves one -1 and checks the element count; the error names both shapes. */
    public static long[] resolve(String op, long[] from, long[] to) {
        long[] out = to.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one size may be -1 in " + Shapes.str(to));
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Shapes.str(to));
            } else {
                known *= out[i];
            }
        }
        long n = Shapes.numel(from);
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + Shapes.str(from) + " (" + n + " elements) to " + Shapes.str(to));
            }
            out[infer] = n / known;
        }
        if (Shapes.numel(out) != n) {
            throw new IllegalArgumentException(op + ": cannot reshape " + Shapes.str(from) + " (" + n + " elements) to " + Shapes.str(to)
                    + " (" + Shapes.numel(out) + " elements)");
        }
        return out;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        long[] shape = resolve("reshape", in[0].shape(), requested);
        INDArray x = in[0].data();
        return shape.length == 0 ? x.reshape(new long[0]).dup() : x.reshape('c', shape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy.reshape(inputShape(0))};
    }

    @Override
    public String args() {
        return "shape=" + Shapes.str(requested);
    }
}
