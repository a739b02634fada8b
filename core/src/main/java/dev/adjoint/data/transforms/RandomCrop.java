package dev.adjoint.data.transforms;

import java.util.Random;

/**
 * A random {@code size x size} window of the image padded by {@code padding} zeros on every side, as
 * torchvision's {@code RandomCrop(size, padding)}.
 */
public final class RandomCrop implements Transform {
    private final int size;
    private final int padding;

    public RandomCrop(int size, int padding) {
        Crops.checkSize("RandomCrop", size, size);
        if (padding < 0) {
            throw new IllegalArgumentException("RandomCrop: padding must not be negative, got " + padding);
        }
        this.size = size;
        this.padding = padding;
    }

    public RandomCrop(int size) {
        this(size, 0);
    }

    @Override
    public Image transform(Image in, Random random) {
        int spanY = in.height() + 2 * padding - size;
        int spanX = in.width() + 2 * padding - size;
        if (spanY < 0 || spanX < 0) {
            throw new IllegalArgumentException("RandomCrop: a " + size + "x" + size + " crop does not fit the padded " + (in.height() + 2 * padding)
                    + "x" + (in.width() + 2 * padding) + " image");
        }
        int top = random.nextInt(spanY + 1) - padding;
        int left = random.nextInt(spanX + 1) - padding;
        return Crops.window(in, top, left, size, size);
    }

    @Override
    public String toString() {
        return "RandomCrop(" + size + ", padding=" + padding + ")";
    }
}
