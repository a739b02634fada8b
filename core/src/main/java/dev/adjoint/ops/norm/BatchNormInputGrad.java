package dev.adjoint.ops.norm;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.F;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalization's input gradient, {@code gx(gy, x, w)}: with the batch's statistics,
 * {@code w invStd (gy - mean(gy) - xhat mean(gy xhat))} per channel (the mean and variance depend
 * on x, hence the two correction terms); with given statistics, {@code w invStd gy}.
 *
 * <p>Its own backward, for second derivatives (a gradient penalty through a BatchNorm): the map
 * {@code gy -> gx} is linear and self-adjoint, so the gradient for gy is this function again on the
 * incoming gradient; the gradient for w is {@code sum(u gx / w)}; the gradient for x is the closed
 * form PyTorch uses ({@code batchnorm_double_backward}), written with differentiable ops, the
 * statistics taken as constants as there.
 */
public final class BatchNormInputGrad extends Function {
    private final INDArray mean;
    private final INDArray invStd;
    private final boolean batchStatistics;

    /** {@code sum(gy)} and {@code sum(gy xhat)} per channel when the caller has them, for the forward only; else null. */
    private INDArray sumGy;
    private INDArray sumGyXhat;

    public BatchNormInputGrad(INDArray mean, INDArray invStd, boolean batchStatistics) {
        this.mean = mean;
        this.invStd = invStd;
        this.batchStatistics = batchStatistics;
    }

    /**
     * With the batch's statistics, handed the two per-channel sums the forward needs,
     * {@code sum(gy)} and {@code sum(gy xhat)} (BatchNorm's bias and weight gradients for the same
     * gy and x), so that it reads gy and x once instead of twice. The backward does not use them.
     */
    static BatchNormInputGrad withSums(INDArray mean, INDArray invStd, INDArray sumGy, INDArray sumGyXhat) {
        BatchNormInputGrad f = new BatchNormInputGrad(mean, invStd, true);
        f.sumGy = sumGy;
        f.sumGyXhat = sumGyXhat;
        return f;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1], in[2]);
        INDArray w = in[2] == null ? null : in[2].data();
        INDArray gx = sumGy != null
                ? kernels().batchNormInputGradFromSums(in[0].data(), in[1].data(), mean, invStd, w, sumGy, sumGyXhat)
                : kernels().batchNormInputGrad(in[0].data(), in[1].data(), mean, invStd, w, batchStatistics);
        sumGy = null; // gradients of their own: not this function's to hold
        sumGyXhat = null;
        return gx;
    }

    @Override
    protected Tensor[] backward(Tensor u) {
        Tensor gy = saved(0);
        Tensor x = saved(1);
        Tensor w = saved(2);
        int[] dims = allButChannels(x.dim());
        Tensor gyGrad = needsInputGrad(0) ? new BatchNormInputGrad(mean, invStd, batchStatistics).apply(u, x, w) : null;
        Tensor wGrad = null;
        if (needsInputGrad(2)) {
            Tensor unscaled = new BatchNormInputGrad(mean, invStd, batchStatistics).apply(gy, x, null);
            wGrad = F.sum(u.mul(unscaled), dims, false);
        }
        Tensor xGrad = null;
        if (needsInputGrad(1)) {
            xGrad = batchStatistics ? inputGradOfInputGrad(u, gy, x, w, dims) : Tensor.zeros(x.dtype(), x.shape());
        }
        return new Tensor[] {gyGrad, xGrad, wGrad};
    }

    /** d/dx of {@code sum(u gx)} with the batch's statistics; {@code w} null for 1. */
    private Tensor inputGradOfInputGrad(Tensor u, Tensor gy, Tensor x, Tensor w, int[] dims) {
        double m = x.numel() / (double) x.size(1);
        Tensor sigma = perChannel(invStd, x);
        Tensor sigma2 = sigma.mul(sigma);
        Tensor sigma3 = sigma2.mul(sigma);
        Tensor centered = x.sub(perChannel(mean, x));
        Tensor gySum = F.sum(gy, dims, true);
        Tensor uSum = F.sum(u, dims, true);
        Tensor gyCenteredSum = F.sum(gy.mul(centered), dims, true);
        Tensor uCenteredSum = F.sum(u.mul(centered), dims, true);
        Tensor common = uSum.mul(gySum).div(m).sub(F.sum(gy.mul(u), dims, true)).add(sigma2.mul(gyCenteredSum).mul(uCenteredSum).mul(3 / m));
        Tensor t0 = centered.mul(sigma3).mul(common).div(m);
        Tensor t1 = uCenteredSum.mul(sigma3).div(m).mul(gySum.div(m).sub(gy));
        Tensor t2 = gyCenteredSum.mul(sigma3).div(m).mul(uSum.div(m).sub(u));
        Tensor sum = t0.add(t1).add(t2);
        return w == null ? sum : sum.mul(F.reshape(w, perChannelShape(x)));
    }

    /** A {@code [C]} constant as {@code [1, C, 1, ...]}, in x's dtype. */
    private static Tensor perChannel(INDArray c, Tensor x) {
        return new Tensor(c).reshape(perChannelShape(x));
    }

    private static long[] perChannelShape(Tensor x) {
        long[] shape = new long[x.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = x.size(1);
        return shape;
    }

    /** The dims of {@code [N, C, ...]} other than the channels': {@code [0, 2, 3, ...]}. */
    static int[] allButChannels(int rank) {
        int[] dims = new int[rank - 1];
        for (int d = 2; d < rank; d++) {
            dims[d - 1] = d;
        }
        return dims;
    }

    @Override
    public String args() {
        return batchStatistics ? "batch statistics" : "given statistics";
    }

    @Override
    public String[] inputNames() {
        return new String[] {"gy", "x", "w"};
    }

    @Override
    public String gradientFormula(int i) {
        return switch (i) {
            case 0 -> "batchNormInputGrad(u, x, w)";
            case 1 -> batchStatistics ? "PyTorch's batchnorm double backward" : "0";
            default -> "sum(u gx / w)";
        };
    }
}
