package dev.adjoint.ops.norm;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalization's weight gradient {@code gw[c] = sum(gy xhat)} over every dim but the
 * channels', with {@code xhat = (x - mean) invStd}: one pass over gy and x, no full-size
 * intermediate; the same pass sums gy ({@link #sumOfGy}, the bias gradient). Backward, for an
 * incoming {@code v [C]}: {@code ggy = xhat v} (a normalization with the same statistics and weight
 * v) and {@code gx = batchNormInputGrad(gy, x, v)} (with the batch's statistics, d xhat / dx carries
 * the same two correction terms as the input gradient).
 */
public final class BatchNormWeightGrad extends Function {
    private final INDArray mean;
    private final INDArray invStd;
    private final boolean batchStatistics;
    private INDArray sumGy;

    public BatchNormWeightGrad(INDArray mean, INDArray invStd, boolean batchStatistics) {
        this.mean = mean;
        this.invStd = invStd;
        this.batchStatistics = batchStatistics;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1]);
        INDArray[] sums = kernels().channelGradientSums(in[0].data(), in[1].data(), mean, invStd);
        sumGy = sums[0];
        return sums[1];
    }

    /**
     * {@code sum(gy)} per channel, which the forward's pass computed along the way (the bias
     * gradient): a plain array, not a function of gy in any graph. Null before {@code apply}.
     */
    public INDArray sumOfGy() {
        return sumGy;
    }

    @Override
    protected Tensor[] backward(Tensor v) {
        Tensor gy = saved(0);
        Tensor x = saved(1);
        return new Tensor[] {
            needsInputGrad(0) ? BatchNorm.withStatistics(mean, invStd).apply(x.detach(), v, null) : null,
            needsInputGrad(1) ? new BatchNormInputGrad(mean, invStd, batchStatistics).apply(gy, x, v) : null
        };
    }

    @Override
    public String[] inputNames() {
        return new String[] {"gy", "x"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? "xhat v" : "batchNormInputGrad(gy, x, v)";
    }
}
