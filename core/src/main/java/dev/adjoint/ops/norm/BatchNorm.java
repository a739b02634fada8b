package dev.adjoint.ops.norm;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.ops.F;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalization of x {@code [N, C, ...]} per channel (dim 1), as one function:
 * {@code y = (x - mean) invStd w + b}, with the batch's statistics (training) or given ones
 * (evaluation, with the running statistics). One pass computes the statistics, one writes y; what
 * backward needs is x, w and the two {@code [C]} statistics, not the half-dozen full-size
 * intermediates of the same formula built from elementwise ops.
 *
 * <p>Backward: {@code gw = sum(gy xhat)} by {@link BatchNormWeightGrad}, {@code gb = sum(gy)} (from
 * the same pass unless the backward records a graph), and
 * {@code gx} by {@link BatchNormInputGrad} (the closed form, which accounts for the statistics
 * depending on x, and needs those same two sums: it is handed them). Each is a function with its
 * own backward, so second derivatives work.
 */
public final class BatchNorm extends Function {
    private final boolean batchStatistics;
    private final double eps;
    private INDArray mean;
    private INDArray invStd;
    private INDArray var;

    private BatchNorm(boolean batchStatistics, double eps, INDArray mean, INDArray invStd) {
        this.batchStatistics = batchStatistics;
        this.eps = eps;
        this.mean = mean;
        this.invStd = invStd;
    }

    /** Normalizes with the batch's own mean and biased variance; {@link #mean()} and {@link #variance()} tell them after {@code apply}. */
    public static BatchNorm withBatchStatistics(double eps) {
        return new BatchNorm(true, eps, null, null);
    }

    /** Normalizes with given statistics, constants here ({@code [C]} each): evaluation mode's running ones. */
    public static BatchNorm withStatistics(INDArray mean, INDArray invStd) {
        return new BatchNorm(false, 0, mean, invStd);
    }

    @Override
    protected INDArray forward(Tensor... in) {
        Tensor x = in[0];
        if (batchStatistics) {
            INDArray[] stats = kernels().channelStatistics(x.data(), eps);
            mean = stats[0];
            invStd = stats[1];
            var = stats[2];
        }
        save(x, in[1]);
        return kernels().channelNormalize(x.data(), mean, invStd, in[1] == null ? null : in[1].data(), in[2] == null ? null : in[2].data());
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor x = saved(0);
        Tensor w = saved(1);
        BatchNormWeightGrad weightGrad = needsInputGrad(1) ? new BatchNormWeightGrad(mean, invStd, batchStatistics) : null;
        Tensor gw = weightGrad != null ? weightGrad.apply(gy, x) : null;
        Tensor gb = null;
        if (needsInputGrad(2)) {
            // The weight gradient's pass summed gy as well. When this backward records no graph (no
            // createGraph) that sum is the bias gradient; otherwise gb must be a function of gy.
            gb = weightGrad != null && !GradMode.isEnabled() ? new Tensor(weightGrad.sumOfGy())
                    : F.sum(gy, BatchNormInputGrad.allButChannels(gy.dim()), false);
        }
        Tensor gx = null;
        if (needsInputGrad(0)) {
            // the input gradient's two sums are gb and gw: with both at hand it makes one pass, not two
            BatchNormInputGrad f = batchStatistics && gw != null && gb != null
                    ? BatchNormInputGrad.withSums(mean, invStd, gb.data(), gw.data())
                    : new BatchNormInputGrad(mean, invStd, batchStatistics);
            gx = f.apply(gy, x, w);
        }
        return new Tensor[] {gx, gw, gb};
    }

    /** The batch mean per channel ({@code [C]}), once applied with batch statistics. */
    public INDArray mean() {
        return mean;
    }

    /** The batch's biased variance per channel ({@code [C]}), once applied with batch statistics. */
    public INDArray variance() {
        return var;
    }

    @Override
    public String args() {
        return batchStatistics ? "batch statistics, eps=" + eps : "given statistics";
    }

    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b"};
    }

    @Override
    public String gradientFormula(int i) {
        return switch (i) {
            case 0 -> batchStatistics ? "w invStd (gy - mean(gy) - xhat mean(gy xhat))" : "w invStd gy";
            case 1 -> "sum(gy xhat)";
            default -> "sum(gy)";
        };
    }
}
