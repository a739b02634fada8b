package dev.adjoint.data.transforms;

import java.util.Random;

/** Mirrors the image left to right with probability {@code p} (default 0.5), as torchvision's {@code RandomHorizontalFlip}. */
public final class RandomHorizontalFlip implements Transform {
    private final double p;

    public RandomHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("RandomHorizontalFlip: p must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    public RandomHorizontalFlip() {
        this(0.5);
    }

    @Override
    public Image transform(Image in, Random random) {
        if (random.nextDouble() >= p) {
            return in;
        }
        float[] out = new float[in.data().length];
        int w = in.width();
        for (int row = 0; row < in.channels() * in.height(); row++) {
            for (int x = 0; x < w; x++) {
                out[row * w + x] = in.data()[row * w + w - 1 - x];
            }
        }
        return new Image(in.channels(), in.height(), w, out);
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(" + p + ")";
    }
}
