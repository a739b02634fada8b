package dev.adjoint.ops.shape;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A box {@code [start, start + length)} in every dimension (narrow, slice). Backward: {@link Pad}
 * with zeros back to the input's shape. Slice and zero Pad are each other's adjoint.
 */
public final class Slice extends Function {
    private final long[] starts;
    private final long[] lengths;

    public Slice(long[] starts, long[] lengths) {
        this.starts = starts.clone();
        this.lengths = lengths.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        long[] shape = in[0].shape();
        if (starts.length != shape.length || lengths.length != shape.length) {
            throw new IllegalArgumentException("slice: starts " + Arrays.toString(starts) + " and lengths " + Arrays.toString(lengths)
                    + " must have one entry per dim of " + Shapes.str(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if (starts[i] < 0 || lengths[i] < 0 || starts[i] + lengths[i] > shape[i]) {
                throw new IllegalArgumentException("slice: dim " + i + ": [" + starts[i] + ", " + (starts[i] + lengths[i])
                        + ") is outside [0, " + shape[i] + ") of input " + Shapes.str(shape));
            }
        }
        return in[0].data().get(box(starts, lengths)).dup('c').reshape(lengths);
    }

    /** ND4J indices for {@code [start, start + length)} in each dim. */
    static INDArrayIndex[] box(long[] starts, long[] lengths) {
        INDArrayIndex[] idx = new INDArrayIndex[starts.length];
        for (int i = 0; i < starts.length; i++) {
            idx[i] = NDArrayIndex.interval(starts[i], starts[i] + lengths[i]);
        }
        return idx;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        long[] shape = inputShape(0);
        long[] after = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            after[i] = shape[i] - starts[i] - lengths[i];
        }
        return new Tensor[] {new Pad(starts, after, 0).apply(gy)};
    }

    @Override
    public String args() {
        return "starts=" + Arrays.toString(starts) + ", lengths=" + Arrays.toString(lengths);
    }
}
