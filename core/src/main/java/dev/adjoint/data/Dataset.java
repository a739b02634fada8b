package dev.adjoint.data;

/** A finite, indexable collection of labelled examples. */
public interface Dataset {
    /** Number of examples. */
    int size();

    /** Shape of one example's input, without the batch dim (MNIST: {@code [1, 28, 28]}). */
    long[] exampleShape();

    /** Copies the input of example {@code index} into {@code dest} at {@code offset} (row-major). */
    void copyInput(int index, float[] dest, int offset);

    /** The label of example {@code index} (a class index for classification). */
    int label(int index);

    /**
     * This data set with an image transform applied each time an example is handed out (random
     * ones seeded by {@code seed}); the examples must be {@code [C, H, W]} images.
     */
    default Dataset transform(dev.adjoint.data.transforms.Transform transform, long seed) {
        return new TransformedDataset(this, transform, seed);
    }
}
