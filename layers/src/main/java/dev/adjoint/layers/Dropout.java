package dev.adjoint.layers;

import dev.adjoint.Tensor;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Zeroes each element with probability {@code p} in training and scales the rest by
 * {@code 1 / (1 - p)}; the identity in eval. Seeded: the same seed gives the same masks.
 */
public final class Dropout extends Module {
    private final double p;
    private final Random random;

    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.random = new Random(seed);
    }

    /** A dropout layer whose masks are seeded from this thread's {@link Init#generator()}: reproducible under {@code Init.manualSeed}, different per layer. */
    public Dropout(double p) {
        this(p, Init.generator().nextLong());
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        double[] mask = new double[(int) x.numel()];
        double keep = 1 / (1 - p);
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < p ? 0 : keep;
        }
        return x.mul(new Tensor(Nd4j.create(mask, x.shape(), x.data().dataType())));
    }

    @Override
    protected String describe() {
        return "Dropout(p=" + p + ")";
    }
}
