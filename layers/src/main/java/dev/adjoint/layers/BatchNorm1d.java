package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Batch normalisation of {@code [N, C]} or {@code [N, C, L]} per channel, as {@code nn.BatchNorm1d}:
 * batch statistics in training (running statistics updated with the unbiased variance), running
 * statistics in eval. It is {@link F#batchNorm2d} on the input seen as {@code [N, C, L, 1]}.
 */
public final class BatchNorm1d extends Module {
    private final int features;
    private final double eps;
    private final double momentum;
    public final Parameter weight;
    public final Parameter bias;
    public final Tensor runningMean;
    public final Tensor runningVar;
    public final Tensor numBatchesTracked;

    public BatchNorm1d(int features, double eps, double momentum, boolean affine) {
        if (features <= 0 || !(eps > 0) || Double.isInfinite(eps) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm1d: features must be positive, eps positive and finite, momentum in [0, 1]; got "
                    + features + ", " + eps + ", " + momentum);
        }
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", new Parameter(Tensor.ones(features).data())) : null;
        this.bias = affine ? registerParameter("bias", new Parameter(Tensor.zeros(features).data())) : null;
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(features));
        this.runningVar = registerBuffer("running_var", Tensor.ones(features));
        this.numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros(new long[0]));
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
        if ((x.dim() != 2 && x.dim() != 3) || x.size(1) != features) {
            throw new IllegalArgumentException("BatchNorm1d: input must be [N, " + features + "] or [N, " + features + ", L], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        long length = x.dim() == 3 ? x.size(2) : 1;
        Tensor y = F.batchNorm2d(x.reshape(x.size(0), features, length, 1), runningMean, runningVar, weight, bias, isTraining(), momentum, eps);
        if (isTraining()) {
            numBatchesTracked.data().addi(1);
            numBatchesTracked.markModified();
        }
        return y.reshape(x.shape());
    }

    @Override
    protected String describe() {
        return "BatchNorm1d(" + features + ", eps=" + eps + ", momentum=" + momentum + (weight == null ? ", affine=false" : "") + ")";
    }
}
