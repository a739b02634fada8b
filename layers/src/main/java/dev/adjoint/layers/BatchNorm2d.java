package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Batch normalisation per channel of {@code [N, C, H, W]}: batch statistics in training (and an
 * exponential running average of them, weight {@code momentum}), running statistics in eval.
 * Buffers {@code running_mean}, {@code running_var}, {@code num_batches_tracked} as in PyTorch.
 */
public final class BatchNorm2d extends Module {
    private final int channels;
    private final double eps;
    private final double momentum;
    public final Parameter weight;
    public final Parameter bias;
    public final Tensor runningMean;
    public final Tensor runningVar;
    public final Tensor numBatchesTracked;

    /** PyTorch's positional order: {@code BatchNorm2d(num_features[, eps[, momentum[, affine]]])}. */
    public BatchNorm2d(int channels, double eps, double momentum, boolean affine) {
        if (!(eps > 0) || Double.isInfinite(eps) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: eps must be positive and finite, momentum in [0, 1]; got " + eps + ", " + momentum);
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("BatchNorm2d: channels must be positive, got " + channels);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", new Parameter(Tensor.ones(channels).data())) : null;
        this.bias = affine ? registerParameter("bias", new Parameter(Tensor.zeros(channels).data())) : null;
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(channels));
        this.runningVar = registerBuffer("running_var", Tensor.ones(channels));
        // PyTorch stores this as int64; adjoint keeps float32 and converts when checkpointing.
        this.numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros(new long[0]));
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
        Tensor y = F.batchNorm2d(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps); // validates before it mutates
        if (isTraining()) {
            numBatchesTracked.data().addi(1);
            numBatchesTracked.markModified();
        }
        return y;
    }

    @Override
    protected String describe() {
        return "BatchNorm2d(" + channels + ", eps=" + eps + ", momentum=" + momentum + (weight == null ? ", affine=false" : "") + ")";
    }
}
