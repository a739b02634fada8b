package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** 2-D convolution layer: weight {@code [out, in/groups, kH, kW]}; see {@link F#conv2d}. */
public final class Conv2d extends ConvBase {
    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias) {
        super(false, in, out, kernel, stride, padding, new int[2], dilation, groups, bias);
    }

    /** Square kernel, equal stride and padding in both dims. */
    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, same(kernel, 2), same(stride, 2), same(padding, 2), same(1, 2), 1, true);
    }

    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }
}
