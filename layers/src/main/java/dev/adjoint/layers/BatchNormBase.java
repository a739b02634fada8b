package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share: per-channel weight and bias, the buffers
 * {@code running_mean}, {@code running_var}, {@code num_batches_tracked} under PyTorch's names, and
 * the forward on a 4-D view (batch statistics in training, running statistics in eval).
 */
public abstract class BatchNormBase extends Module {
    protected final int channels;
    protected final double eps;
    protected final double momentum;
    public final Parameter weight;
    public final Parameter bias;
    public final Tensor runningMean;
    public final Tensor runningVar;
    public final Tensor numBatchesTracked;

    protected BatchNormBase(String name, int channels, double eps, double momentum, boolean affine) {
        if (channels <= 0 || !(eps > 0) || Double.isInfinite(eps) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + ": channels must be positive, eps positive and finite, momentum in [0, 1]; got "
                    + channels + ", " + eps + ", " + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", new Parameter(Tensor.ones(channels).data())) : null;
        this.bias = affine ? registerParameter("bias", new Parameter(Tensor.zeros(channels).data())) : null;
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(channels));
        this.runningVar = registerBuffer("running_var", Tensor.ones(channels));
        // PyTorch stores this as int64; adjoint keeps a float and converts when checkpointing.
        this.numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros(new long[0]));
    }

    /** Normalises a {@code [N, C, H, W]} input; the running statistics change only after the forward succeeded. */
    protected Tensor normalize4d(Tensor x) {
        Tensor y = F.batchNorm2d(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps);
        if (isTraining()) {
            numBatchesTracked.data().addi(1);
            numBatchesTracked.markModified();
        }
        return y;
    }

    protected String describe(String name) {
        return name + "(" + channels + ", eps=" + eps + ", momentum=" + momentum + (weight == null ? ", affine=false" : "") + ")";
    }
}
