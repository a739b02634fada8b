package dev.adjoint.layers;

import dev.adjoint.Tensor;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Zeroes whole channels of {@code [N, C, H, W]} with probability {@code p} in training and scales
 * the rest by {@code 1 / (1 - p)}, as {@code nn.Dropout2d}; the identity in eval. Masks are seeded
 * from this thread's {@link Init#generator()} unless a seed is given.
 */
public final class Dropout2d extends Module {
    private final double p;
    private final Random random;

    public Dropout2d(double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout2d: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.random = new Random(seed);
    }

    public Dropout2d(double p) {
        this(p, Init.generator().nextLong());
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException("Dropout2d: input must be 4-D [N, C, H, W], got " + java.util.Arrays.toString(x.shape()));
        }
        if (!isTraining() || p == 0) {
            return x;
        }
        long n = x.size(0);
        long c = x.size(1);
        double[] mask = new double[(int) (n * c)];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < p ? 0 : 1 / (1 - p);
        }
        return x.mul(new Tensor(Nd4j.create(mask, new long[] {n, c, 1, 1}, x.data().dataType())));
    }

    @Override
    protected String describe() {
        return "Dropout2d(p=" + p + ")";
    }
}
