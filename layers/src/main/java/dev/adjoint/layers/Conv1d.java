package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * 1-D convolution layer: weight {@code [out, in/groups, k]}; see {@link F#conv1d}. The constructors
 * take PyTorch's positional order, {@code Conv1d(in, out, kernel[, stride[, padding[, dilation[,
 * groups[, bias]]]]])}.
 */
public final class Conv1d extends ConvBase {
    public Conv1d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        super(false, in, out, new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[1], new int[] {dilation}, groups, bias);
    }

    public Conv1d(int in, int out, int kernel, int stride, int padding, int dilation, int groups) {
        this(in, out, kernel, stride, padding, dilation, groups, true);
    }

    public Conv1d(int in, int out, int kernel, int stride, int padding, int dilation) {
        this(in, out, kernel, stride, padding, dilation, 1, true);
    }

    public Conv1d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, 1, 1, true);
    }

    public Conv1d(int in, int out, int kernel, int stride) {
        this(in, out, kernel, stride, 0, 1, 1, true);
    }

    public Conv1d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, 1, 1, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.conv1d(x, weight, bias, stride, padding, dilation, groups);
    }
}
