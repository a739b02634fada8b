package dev.adjoint.data.transforms;

import java.util.Random;

/**
 * Bilinear resize, as torchvision's {@code Resize}: to {@code [height, width]}, or with one size, the
 * smaller edge to that size keeping the aspect ratio. Sample positions are pixel centres
 * ({@code align_corners=False}); no antialiasing when shrinking.
 */
public final class Resize implements Transform {
    private final int height;
    private final int width;
    private final int smallerEdge;

    public Resize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Resize: sizes must be positive, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
        this.smallerEdge = 0;
    }

    public Resize(int smallerEdge) {
        if (smallerEdge <= 0) {
            throw new IllegalArgumentException("Resize: size must be positive, got " + smallerEdge);
        }
        this.height = 0;
        this.width = 0;
        this.smallerEdge = smallerEdge;
    }

    @Override
    public boolean isRandom() {
        return false;
    }

    @Override
    public Image transform(Image in, Random random) {
        int oh = height;
        int ow = width;
        if (smallerEdge > 0) {
            if (in.height() <= in.width()) {
                oh = smallerEdge;
                ow = (int) ((long) smallerEdge * in.width() / in.height());
            } else {
                ow = smallerEdge;
                oh = (int) ((long) smallerEdge * in.height() / in.width());
            }
        }
        if (oh == in.height() && ow == in.width()) {
            return in;
        }
        float[] out = new float[in.channels() * oh * ow];
        double sy = (double) in.height() / oh;
        double sx = (double) in.width() / ow;
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < oh; y++) {
                double fy = Math.max(0, (y + 0.5) * sy - 0.5);
                int y0 = Math.min((int) fy, in.height() - 1);
                int y1 = Math.min(y0 + 1, in.height() - 1);
                double wy = fy - y0;
                for (int x = 0; x < ow; x++) {
                    double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                    int x0 = Math.min((int) fx, in.width() - 1);
                    int x1 = Math.min(x0 + 1, in.width() - 1);
                    double wx = fx - x0;
                    double top = in.at(c, y0, x0) * (1 - wx) + in.at(c, y0, x1) * wx;
                    double bottom = in.at(c, y1, x0) * (1 - wx) + in.at(c, y1, x1) * wx;
                    out[(c * oh + y) * ow + x] = (float) (top * (1 - wy) + bottom * wy);
                }
            }
        }
        return new Image(in.channels(), oh, ow, out);
    }

    @Override
    public String toString() {
        return smallerEdge > 0 ? "Resize(" + smallerEdge + ")" : "Resize(" + height + ", " + width + ")";
    }
}
