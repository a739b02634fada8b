package dev.adjoint.ops.shape;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adds {@code before[i]} and {@code after[i]} elements of a constant value around dim {@code i}.
 * Backward: {@link Slice} of the interior (the constant does not depend on the input).
 */
public final class Pad extends Function {
    private final long[] before;
    private final long[] after;
    private final double value;

    public Pad(long[] before, long[] after, double value) {
        this.before = before.clone();
        this.after = after.clone();
        this.value = value;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        long[] shape = in[0].shape();
        if (before.length != shape.length || after.length != shape.length) {
            throw new IllegalArgumentException("pad: amounts " + Arrays.toString(before) + " / " + Arrays.toString(after)
                    + " must have one entry per dim of " + Shapes.str(shape));
        }
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (before[i] < 0 || after[i] < 0) {
                throw new IllegalArgumentException("pad: negative amount in dim " + i + " (" + before[i] + ", " + after[i]
                        + "); use F.pad, which crops for negative amounts");
            }
            out[i] = shape[i] + before[i] + after[i];
        }
        INDArray y = value == 0 ? Nd4j.zeros(in[0].data().dataType(), out) : Nd4j.valueArrayOf(out, value, in[0].data().dataType());
        if (in[0].numel() > 0) {
            y.get(Slice.box(before, shape)).assign(in[0].data());
        }
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new Slice(before, inputShape(0)).apply(gy)};
    }

    @Override
    public String args() {
        return "before=" + Arrays.toString(before) + ", after=" + Arrays.toString(after) + (value != 0 ? ", value=" + value : "");
    }
}
