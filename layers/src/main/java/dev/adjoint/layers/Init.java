package dev.adjoint.layers;

import dev.adjoint.Tensor;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weight initialisation, as {@code torch.nn.init}, drawing from a seeded generator per thread
 * (as {@code torch.manual_seed} seeds the default generator), so that a program that calls
 * {@link #manualSeed} first builds the same model every run, and two threads that build models
 * at once from the same seed each get the same model. {@code Dropout} layers without an explicit
 * seed take theirs from it too. Layers use
 * {@link #kaimingUniform} with {@code a = sqrt(5)} for weights (PyTorch's default), i.e.
 * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}, and the same bound for biases.
 */
public final class Init {
    private static final ThreadLocal<Random> RANDOM = ThreadLocal.withInitial(() -> new Random(0));

    private Init() {
    }

    /** Reseeds this thread's generator, which every layer constructor on the thread draws from. */
    public static void manualSeed(long seed) {
        RANDOM.set(new Random(seed));
    }

    /** This thread's generator (seeded by {@link #manualSeed}, else with 0). */
    public static Random generator() {
        return RANDOM.get();
    }

    /** {@code [fanIn, fanOut]} of a weight: dim 1 and dim 0 times the receptive field (PyTorch's rule). */
    public static long[] fans(long[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fans: a weight needs at least 2 dims, got " + java.util.Arrays.toString(shape));
        }
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new long[] {shape[1] * receptive, shape[0] * receptive};
    }

    public static void uniform(Tensor t, double low, double high) {
        fill(t, () -> low + (high - low) * RANDOM.get().nextDouble());
    }

    public static void normal(Tensor t, double mean, double std) {
        fill(t, () -> mean + std * RANDOM.get().nextGaussian());
    }

    public static void constant(Tensor t, double value) {
        t.data().assign(value);
        t.markModified();
    }

    public static void zeros(Tensor t) {
        constant(t, 0);
    }

    /** Kaiming (He) uniform with leaky-ReLU slope {@code a}: bound {@code sqrt(6 / ((1 + a^2) fanIn))}. */
    public static void kaimingUniform(Tensor t, double a) {
        double bound = Math.sqrt(6.0 / ((1 + a * a) * fans(t.shape())[0]));
        uniform(t, -bound, bound);
    }

    /** Kaiming (He) normal for ReLU networks: std {@code sqrt(2 / fanIn)}. */
    public static void kaimingNormal(Tensor t) {
        normal(t, 0, Math.sqrt(2.0 / fans(t.shape())[0]));
    }

    /** Glorot uniform: bound {@code sqrt(6 / (fanIn + fanOut))}. */
    public static void xavierUniform(Tensor t) {
        long[] f = fans(t.shape());
        double bound = Math.sqrt(6.0 / (f[0] + f[1]));
        uniform(t, -bound, bound);
    }

    /** Glorot normal: std {@code sqrt(2 / (fanIn + fanOut))}. */
    public static void xavierNormal(Tensor t) {
        long[] f = fans(t.shape());
        normal(t, 0, Math.sqrt(2.0 / (f[0] + f[1])));
    }

    private static void fill(Tensor t, java.util.function.DoubleSupplier s) {
        INDArray d = t.data();
        double[] v = new double[(int) d.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = s.getAsDouble();
        }
        d.assign(org.nd4j.linalg.factory.Nd4j.create(v, d.shape(), d.dataType()));
        t.markModified();
    }
}
