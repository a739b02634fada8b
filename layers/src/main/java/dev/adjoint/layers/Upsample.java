package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Upsampling of {@code [N, C, H, W]} by an integer factor, as {@code nn.Upsample(scale_factor, mode,
 * align_corners)}: {@code "nearest"} (PyTorch's default) or {@code "bilinear"} ({@link F#interpolate}).
 */
public final class Upsample extends Module {
    private final int scale;
    private final String mode;
    private final boolean alignCorners;

    public Upsample(int scaleFactor, String mode, boolean alignCorners) {
        if (scaleFactor < 1 || !(mode.equals("nearest") || mode.equals("bilinear"))) {
            throw new IllegalArgumentException("Upsample: scaleFactor must be positive and mode \"nearest\" or \"bilinear\", got " + scaleFactor
                    + ", \"" + mode + "\"");
        }
        this.scale = scaleFactor;
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    public Upsample(int scaleFactor, String mode) {
        this(scaleFactor, mode, false);
    }

    public Upsample(int scaleFactor) {
        this(scaleFactor, "nearest");
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.interpolate(x, scale, mode, alignCorners);
    }

    @Override
    protected String describe() {
        return "Upsample(scale=" + scale + ", mode=" + mode + (alignCorners ? ", alignCorners" : "") + ")";
    }
}
