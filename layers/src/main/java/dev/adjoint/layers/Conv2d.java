package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * 2-D convolution layer: weight {@code [out, in/groups, kH, kW]}; see {@link F#conv2d}. The
 * constructors take PyTorch's positional order, {@code Conv2d(in, out, kernel[, stride[, padding[,
 * dilation[, groups[, bias]]]]])}, with single ints for square sizes or {@code int[]} pairs.
 */
public final class Conv2d extends ConvBase {
    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias) {
        super(false, in, out, kernel, stride, padding, new int[2], dilation, groups, bias);
    }

    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups) {
        this(in, out, kernel, stride, padding, dilation, groups, true);
    }

    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        this(in, out, kernel, stride, padding, dilation, 1, true);
    }

    public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding) {
        this(in, out, kernel, stride, padding, same(1, 2), 1, true);
    }

    public Conv2d(int in, int out, int[] kernel, int[] stride) {
        this(in, out, kernel, stride, same(0, 2), same(1, 2), 1, true);
    }

    public Conv2d(int in, int out, int[] kernel) {
        this(in, out, kernel, same(1, 2), same(0, 2), same(1, 2), 1, true);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        this(in, out, same(kernel, 2), same(stride, 2), same(padding, 2), same(dilation, 2), groups, bias);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups) {
        this(in, out, kernel, stride, padding, dilation, groups, true);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation) {
        this(in, out, kernel, stride, padding, dilation, 1, true);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, 1, 1, true);
    }

    public Conv2d(int in, int out, int kernel, int stride) {
        this(in, out, kernel, stride, 0, 1, 1, true);
    }

    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, 1, 1, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }
}
