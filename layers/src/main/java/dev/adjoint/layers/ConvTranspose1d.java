package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * 1-D transposed convolution layer: weight {@code [in, out/groups, k]}; see {@link F#convTranspose1d}.
 * The constructors take PyTorch's positional order, {@code ConvTranspose1d(in, out, kernel[,
 * stride[, padding[, output_padding[, groups[, bias[, dilation]]]]]])}.
 */
public final class ConvTranspose1d extends ConvBase {
    public ConvTranspose1d(int in, int out, int kernel, int stride, int padding, int outputPadding, int groups, boolean bias, int dilation) {
        super(true, in, out, new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[] {outputPadding}, new int[] {dilation},
                groups, bias);
    }

    public ConvTranspose1d(int in, int out, int kernel, int stride, int padding, int outputPadding, int groups, boolean bias) {
        this(in, out, kernel, stride, padding, outputPadding, groups, bias, 1);
    }

    public ConvTranspose1d(int in, int out, int kernel, int stride, int padding, int outputPadding, int groups) {
        this(in, out, kernel, stride, padding, outputPadding, groups, true, 1);
    }

    public ConvTranspose1d(int in, int out, int kernel, int stride, int padding, int outputPadding) {
        this(in, out, kernel, stride, padding, outputPadding, 1, true, 1);
    }

    public ConvTranspose1d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, 0, 1, true, 1);
    }

    public ConvTranspose1d(int in, int out, int kernel, int stride) {
        this(in, out, kernel, stride, 0, 0, 1, true, 1);
    }

    public ConvTranspose1d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, 0, 1, true, 1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.convTranspose1d(x, weight, bias, stride, padding, outputPadding, dilation, groups);
    }
}
