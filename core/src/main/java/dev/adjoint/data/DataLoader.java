package dev.adjoint.data;

import dev.adjoint.Tensor;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.kernels.KernelSelection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Iterates a dataset in mini-batches, as PyTorch's DataLoader: batch size, optional shuffling
 * (seeded: epoch {@code e} uses seed {@code seed + e}, so runs are reproducible), optional
 * dropping of the last incomplete batch. Each {@code for (Batch b : loader)} loop is one epoch.
 */
public final class DataLoader implements Iterable<Batch> {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private int epoch;

    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("DataLoader: batchSize must be positive, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
    }

    /** In order, keeping the last incomplete batch (an evaluation loader). */
    public DataLoader(Dataset dataset, int batchSize) {
        this(dataset, batchSize, false, 0, false);
    }

    /** Number of batches per epoch (counted in {@code long}: a batch size near {@code Integer.MAX_VALUE} cannot overflow it). */
    public int batches() {
        long n = dataset.size();
        return (int) (dropLast ? n / batchSize : (n + batchSize - 1) / batchSize);
    }

    public Dataset dataset() {
        return dataset;
    }

    @Override
    public Iterator<Batch> iterator() {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random r = new Random(seed + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        epoch++;
        int total = batches();
        long[] shape = dataset.exampleShape();
        long exampleLength = dev.adjoint.Shapes.numel(shape);
        if ((long) Math.min(batchSize, n) * exampleLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("DataLoader: a batch of " + Math.min(batchSize, n) + " examples of shape "
                    + java.util.Arrays.toString(shape) + " holds more values than one array can (2^31); use a smaller batch size");
        }
        int exampleSize = (int) exampleLength;
        return new Iterator<>() {
            private int next;

            private float[] staging = new float[0];

            @Override
            public boolean hasNext() {
                return next < total;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int from = (int) ((long) next * batchSize); // < n: next < batches()
                int b = (int) Math.min(batchSize, (long) n - from);
                next++;
                if (staging.length < b * exampleSize) {
                    staging = new float[b * exampleSize];
                }
                float[] x = staging; // reused for every batch: fromFloats copies it into the batch's own memory
                int[] y = new int[b];
                for (int i = 0; i < b; i++) {
                    dataset.copyInput(order[from + i], x, i * exampleSize);
                    y[i] = dataset.label(order[from + i]);
                }
                long[] batchShape = new long[shape.length + 1];
                batchShape[0] = b;
                System.arraycopy(shape, 0, batchShape, 1, shape.length);
                return new Batch(new Tensor(KernelSelection.current().fromFloats(x, batchShape)), y);
            }
        };
    }

    @Override
    public String toString() {
        return "DataLoader(" + dataset + ", batchSize=" + batchSize + ", shuffle=" + shuffle + ", dropLast=" + dropLast + ")";
    }
}
