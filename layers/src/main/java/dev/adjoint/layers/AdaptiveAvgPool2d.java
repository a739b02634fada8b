package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Average pooling to a fixed output size, as {@code nn.AdaptiveAvgPool2d}: output cell {@code (i, j)}
 * averages rows {@code floor(i*H/oh)} to {@code ceil((i+1)*H/oh)} and the same for columns, so the
 * windows may overlap when the sizes do not divide. Built from differentiable slices and means.
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int oh;
    private final int ow;

    public AdaptiveAvgPool2d(int oh, int ow) {
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got " + oh + "x" + ow);
        }
        this.oh = oh;
        this.ow = ow;
    }

    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: input must be 4-D [N, C, H, W], got " + java.util.Arrays.toString(x.shape()));
        }
        return F.adaptiveAvgPool2d(x, oh, ow);
    }

    @Override
    protected String describe() {
        return "AdaptiveAvgPool2d(" + oh + ", " + ow + ")";
    }
}
