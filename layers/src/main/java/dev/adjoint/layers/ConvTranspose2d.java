package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** 2-D transposed convolution layer: weight {@code [in, out/groups, kH, kW]}; see {@link F#convTranspose2d}. */
public final class ConvTranspose2d extends ConvBase {
    public ConvTranspose2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] outputPadding, int[] dilation, int groups,
                           boolean bias) {
        super(true, in, out, kernel, stride, padding, outputPadding, dilation, groups, bias);
    }

    /** Square kernel, equal stride, padding and output padding in both dims. */
    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, int outputPadding) {
        this(in, out, same(kernel, 2), same(stride, 2), same(padding, 2), same(outputPadding, 2), same(1, 2), 1, true);
    }

    public ConvTranspose2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.convTranspose2d(x, weight, bias, stride, padding, outputPadding, dilation, groups);
    }
}
