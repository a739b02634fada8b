package dev.adjoint.layers;

import dev.adjoint.Tensor;

/**
 * Batch normalisation of {@code [N, C]} or {@code [N, C, L]} per channel, as {@code nn.BatchNorm1d}:
 * batch statistics in training (running statistics updated with the unbiased variance), running
 * statistics in eval. It is {@link BatchNorm2d}'s computation on the input seen as {@code [N, C, L, 1]}.
 */
public final class BatchNorm1d extends BatchNormBase {
    /** PyTorch's positional order: {@code BatchNorm1d(num_features[, eps[, momentum[, affine]]])}. */
    public BatchNorm1d(int features, double eps, double momentum, boolean affine) {
        super("BatchNorm1d", features, eps, momentum, affine);
    }

    public BatchNorm1d(int features, double eps, double momentum) {
        this(features, eps, momentum, true);
    }

    public BatchNorm1d(int features, double eps) {
        this(features, eps, 0.1, true);
    }

    public BatchNorm1d(int features) {
        this(features, 1e-5, 0.1, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        if ((x.dim() != 2 && x.dim() != 3) || x.size(1) != channels) {
            throw new IllegalArgumentException("BatchNorm1d: input must be [N, " + channels + "] or [N, " + channels + ", L], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        long length = x.dim() == 3 ? x.size(2) : 1;
        // checked here, with this layer's name and the caller's shape, rather than by batchNorm2d on the 4-D view
        if (isTraining() && x.size(0) * length < 2) {
            throw new IllegalArgumentException("BatchNorm1d: expected more than 1 value per channel when training, got input "
                    + java.util.Arrays.toString(x.shape()));
        }
        if (x.dtype() != runningMean.dtype()) {
            throw new IllegalArgumentException("BatchNorm1d: input x is " + x.dtype() + " " + java.util.Arrays.toString(x.shape()) + " but the layer is "
                    + runningMean.dtype() + "; convert one of them (model.to(dtype))");
        }
        return normalize4d(x.reshape(x.size(0), channels, length, 1)).reshape(x.shape());
    }

    @Override
    protected String describe() {
        return describe("BatchNorm1d");
    }
}
