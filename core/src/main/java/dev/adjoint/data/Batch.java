package dev.adjoint.data;

import dev.adjoint.Tensor;

/**
 * One mini-batch: inputs {@code [B, ...]} as a float32 tensor, labels as class indices and as a
 * float32 tensor {@code [B]} (for regression-style losses).
 */
public record Batch(Tensor inputs, int[] labels) {
    public int size() {
        return labels.length;
    }

    /** Labels as a float32 tensor {@code [B]}. */
    public Tensor labelTensor() {
        double[] v = new double[labels.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = labels[i];
        }
        return Tensor.of(v, v.length);
    }

    @Override
    public String toString() {
        return "Batch(" + labels.length + " examples, inputs " + inputs + ")";
    }
}
