package dev.adjoint.data.transforms;

import java.util.Random;

/** The centre {@code height x width} of an image, as torchvision's {@code CenterCrop} (zeros where it is larger than the image). */
public final class CenterCrop implements Transform {
    private final int height;
    private final int width;

    public CenterCrop(int height, int width) {
        Crops.checkSize("CenterCrop", height, width);
        this.height = height;
        this.width = width;
    }

    public CenterCrop(int size) {
        this(size, size);
    }

    @Override
    public boolean isRandom() {
        return false;
    }

    @Override
    public Image transform(Image in, Random random) {
        int top = (int) Math.round((in.height() - height) / 2.0);
        int left = (int) Math.round((in.width() - width) / 2.0);
        return Crops.window(in, top, left, height, width);
    }

    @Override
    public String toString() {
        return "CenterCrop(" + height + ", " + width + ")";
    }
}
