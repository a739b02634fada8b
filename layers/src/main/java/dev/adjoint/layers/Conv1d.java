package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** 1-D convolution layer: weight {@code [out, in/groups, k]}; see {@link F#conv1d}. */
public final class Conv1d extends ConvBase {
    public Conv1d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        super(false, in, out, new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[1], new int[] {dilation}, groups, bias);
    }

    public Conv1d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, 1, 1, true);
    }

    public Conv1d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.conv1d(x, weight, bias, stride, padding, dilation, groups);
    }
}
