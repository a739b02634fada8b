package dev.adjoint.data;

import dev.adjoint.Shapes;
import java.util.Arrays;

/** A dataset held in memory: inputs as one float array {@code [N, ...]} and integer labels. */
public final class TensorDataset implements Dataset {
    private final float[] inputs;
    private final int[] labels;
    private final long[] exampleShape;
    private final int exampleSize;

    /**
     * @param inputs row-major values of all examples, {@code labels.length * prod(exampleShape)} of them
     * @param labels one label per example
     */
    public TensorDataset(float[] inputs, int[] labels, long... exampleShape) {
        this.exampleSize = Math.toIntExact(Shapes.numel(exampleShape));
        if ((long) labels.length * exampleSize != inputs.length) {
            throw new IllegalArgumentException("TensorDataset: " + inputs.length + " input values do not make " + labels.length
                    + " examples of shape " + Shapes.str(exampleShape));
        }
        this.inputs = inputs;
        this.labels = labels;
        this.exampleShape = exampleShape.clone();
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public long[] exampleShape() {
        return exampleShape.clone();
    }

    @Override
    public void copyInput(int index, float[] dest, int offset) {
        System.arraycopy(inputs, index * exampleSize, dest, offset, exampleSize);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** The first {@code n} examples (a view sharing the arrays is not needed: copies). */
    public TensorDataset head(int n) {
        int m = Math.min(n, size());
        return new TensorDataset(Arrays.copyOf(inputs, m * exampleSize), Arrays.copyOf(labels, m), exampleShape);
    }

    @Override
    public String toString() {
        return "TensorDataset(" + size() + " examples of " + Shapes.str(exampleShape) + ")";
    }
}
