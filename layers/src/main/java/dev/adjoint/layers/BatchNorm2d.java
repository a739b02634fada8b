package dev.adjoint.layers;

import dev.adjoint.Tensor;

/**
 * Batch normalisation per channel of {@code [N, C, H, W]}: batch statistics in training (and an
 * exponential running average of them, weight {@code momentum}, with the unbiased variance),
 * running statistics in eval. Buffers {@code running_mean}, {@code running_var},
 * {@code num_batches_tracked} as in PyTorch.
 */
public final class BatchNorm2d extends BatchNormBase {
    /** PyTorch's positional order: {@code BatchNorm2d(num_features[, eps[, momentum[, affine]]])}. */
    public BatchNorm2d(int channels, double eps, double momentum, boolean affine) {
        super("BatchNorm2d", channels, eps, momentum, affine);
    }

    public BatchNorm2d(int channels, double eps, double momentum) {
        this(channels, eps, momentum, true);
    }

    public BatchNorm2d(int channels, double eps) {
        this(channels, eps, 0.1, true);
    }

    public BatchNorm2d(int channels) {
        this(channels, 1e-5, 0.1, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return normalize4d(x);
    }

    @Override
    protected String describe() {
        return describe("BatchNorm2d");
    }
}
