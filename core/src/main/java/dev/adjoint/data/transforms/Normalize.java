package dev.adjoint.data.transforms;

import java.util.Arrays;
import java.util.Random;

/** {@code (x - mean[c]) / std[c]} per channel, as torchvision's {@code Normalize(mean, std)}. */
public final class Normalize implements Transform {
    private final double[] mean;
    private final double[] std;

    public Normalize(double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: mean " + Arrays.toString(mean) + " and std " + Arrays.toString(std)
                    + " need one value per channel each");
        }
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("Normalize: std must be positive and finite, got " + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public boolean isRandom() {
        return false;
    }

    @Override
    public Image transform(Image in, Random random) {
        if (in.channels() != mean.length) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " channel values for an image of " + in.channels() + " channels");
        }
        float[] out = new float[in.data().length];
        int plane = in.height() * in.width();
        for (int i = 0; i < out.length; i++) {
            int c = i / plane;
            out[i] = (float) ((in.data()[i] - mean[c]) / std[c]);
        }
        return new Image(in.channels(), in.height(), in.width(), out);
    }

    @Override
    public String toString() {
        return "Normalize(" + Arrays.toString(mean) + ", " + Arrays.toString(std) + ")";
    }
}
