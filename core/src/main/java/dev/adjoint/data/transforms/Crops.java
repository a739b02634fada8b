package dev.adjoint.data.transforms;

/** Cutting a window out of an image, padding with zeros where it reaches past the edges. */
final class Crops {
    private Crops() {
    }

    /** The {@code h x w} window whose top-left corner is at {@code (top, left)} (may be negative or past the edge: zeros there). */
    static Image window(Image in, int top, int left, int h, int w) {
        float[] out = new float[in.channels() * h * w];
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < h; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= in.height()) {
                    continue;
                }
                for (int x = 0; x < w; x++) {
                    int sx = left + x;
                    if (sx >= 0 && sx < in.width()) {
                        out[(c * h + y) * w + x] = in.at(c, sy, sx);
                    }
                }
            }
        }
        return new Image(in.channels(), h, w, out);
    }

    static void checkSize(String op, int h, int w) {
        if (h <= 0 || w <= 0) {
            throw new IllegalArgumentException(op + ": size must be positive, got " + h + "x" + w);
        }
    }
}
