package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * 2-D transposed convolution layer: weight {@code [in, out/groups, kH, kW]}; see
 * {@link F#convTranspose2d}. The constructors take PyTorch's positional order, {@code
 * ConvTranspose2d(in, out, kernel[, stride[, padding[, output_padding[, groups[, bias[, dilation]]]]]])}
 * (note: groups and bias come before dilation, unlike {@code Conv2d}), with single ints for square
 * sizes or {@code int[]} pairs.
 */
public final class ConvTranspose2d extends ConvBase {
    public ConvTranspose2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] outputPadding, int groups, boolean bias,
                           int[] dilation) {
        super(true, in, out, kernel, stride, padding, outputPadding, dilation, groups, bias);
    }

    public ConvTranspose2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] outputPadding, int groups, boolean bias) {
        this(in, out, kernel, stride, padding, outputPadding, groups, bias, same(1, 2));
    }

    public ConvTranspose2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] outputPadding, int groups) {
        this(in, out, kernel, stride, padding, outputPadding, groups, true, same(1, 2));
    }

    public ConvTranspose2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] outputPadding) {
        this(in, out, kernel, stride, padding, outputPadding, 1, true, same(1, 2));
    }

    public ConvTranspose2d(int in, int out, int[] kernel, int[] stride, int[] padding) {
        this(in, out, kernel, stride, padding, same(0, 2), 1, true, same(1, 2));
    }

    public ConvTranspose2d(int in, int out, int[] kernel, int[] stride) {
        this(in, out, kernel, stride, same(0, 2), same(0, 2), 1, true, same(1, 2));
    }

    public ConvTranspose2d(int in, int out, int[] kernel) {
        this(in, out, kernel, same(1, 2), same(0, 2), same(0, 2), 1, true, same(1, 2));
    }

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, int outputPadding, int groups, boolean bias, int dilation) {
        this(in, out, same(kernel, 2), same(stride, 2), same(padding, 2), same(outputPadding, 2), groups, bias, same(dilation, 2));
    }

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, int outputPadding, int groups, boolean bias) {
        this(in, out, kernel, stride, padding, outputPadding, groups, bias, 1);
    }

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, int outputPadding, int groups) {
        this(in, out, kernel, stride, padding, outputPadding, groups, true, 1);
    }

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, int outputPadding) {
        this(in, out, kernel, stride, padding, outputPadding, 1, true, 1);
    }

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, 0, 1, true, 1);
    }

    public ConvTranspose2d(int in, int out, int kernel, int stride) {
        this(in, out, kernel, stride, 0, 0, 1, true, 1);
    }

    public ConvTranspose2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, 0, 1, true, 1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.convTranspose2d(x, weight, bias, stride, padding, outputPadding, dilation, groups);
    }
}
