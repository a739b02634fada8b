package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** 1-D transposed convolution layer: weight {@code [in, out/groups, k]}; see {@link F#convTranspose1d}. */
public final class ConvTranspose1d extends ConvBase {
    public ConvTranspose1d(int in, int out, int kernel, int stride, int padding, int outputPadding, int dilation, int groups, boolean bias) {
        super(true, in, out, new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[] {outputPadding}, new int[] {dilation},
                groups, bias);
    }

    public ConvTranspose1d(int in, int out, int kernel, int stride, int padding, int outputPadding) {
        this(in, out, kernel, stride, padding, outputPadding, 1, 1, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.convTranspose1d(x, weight, bias, stride, padding, outputPadding, dilation, groups);
    }
}
