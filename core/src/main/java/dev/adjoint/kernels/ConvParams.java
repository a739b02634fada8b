package dev.adjoint.kernels;

/**
 * The arguments of one 2-D kernel call of the conv family: stride, padding, dilation, output
 * padding (transposed convolutions only) and groups. A 1-D convolution is the 2-D one with height 1,
 * so its height entries are {@code stride 1, padding 0, dilation 1}.
 */
public record ConvParams(int sh, int sw, int ph, int pw, int dh, int dw, int oph, int opw, int groups) {
    public ConvParams {
        if (sh <= 0 || sw <= 0 || dh <= 0 || dw <= 0 || ph < 0 || pw < 0 || oph < 0 || opw < 0 || groups <= 0) {
            throw new IllegalArgumentException("ConvParams: stride and dilation must be positive, padding and output padding non-negative,"
                    + " groups positive; got " + this);
        }
    }
}
