package dev.adjoint.data.transforms;

/** One image as {@code [channels, height, width]} float values, row-major, what the transforms work on. */
public record Image(int channels, int height, int width, float[] data) {
    public Image {
        if (channels <= 0 || height <= 0 || width <= 0 || data.length != channels * height * width) {
            throw new IllegalArgumentException("Image: " + data.length + " values do not fill [" + channels + ", " + height + ", " + width + "]");
        }
    }

    /** The value at channel c, row y, column x. */
    public float at(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }
}
