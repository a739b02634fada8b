package dev.adjoint.ops.loss;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.pool.IndexScatter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Negative log-likelihood of class indices, mean over the batch: {@code -mean_i logp[i, t_i]}
 * for log-probabilities {@code [N, C]}. Forward gathers the N picked log-probabilities; backward
 * scatters {@code -gy / N} back to them ({@link IndexScatter}), 0 elsewhere.
 */
public final class NllLoss extends Function {
    /** The labels (a copy: the caller may reuse its array), until the function is freed. */
    private int[] target;
    /** Flat positions {@code i * C + t_i} of the picked log-probabilities. */
    private int[] picked;

    public NllLoss(int[] target) {
        this.target = target.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        long[] s = in[0].shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("nllLoss: input must be [N, C] log-probabilities, got " + Shapes.str(s));
        }
        if (s[0] != target.length) {
            throw new IllegalArgumentException("nllLoss: input " + Shapes.str(s) + " has " + s[0] + " rows but target has " + target.length + " labels");
        }
        if (target.length == 0) {
            throw new IllegalArgumentException("nllLoss: empty batch");
        }
        int n = target.length;
        int c = (int) s[1];
        picked = new int[n];
        for (int i = 0; i < n; i++) {
            if (target[i] < 0 || target[i] >= c) {
                throw new IllegalArgumentException("nllLoss: target[" + i + "] = " + target[i] + " is not a class index in [0, " + c + ")");
            }
            picked[i] = i * c + target[i];
        }
        INDArray logp = kernels().gather(in[0].data(), picked, new long[] {n});
        return kernels().sum(logp, new int[] {0}, new long[0]).muli(-1.0 / n);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        int n = picked.length;
        Tensor perRow = gy.mul(-1.0 / n).expand(n);
        return new Tensor[] {new IndexScatter(picked, inputShape(0)).apply(perRow)};
    }

    @Override
    protected void releaseState() {
        picked = null;
        target = null;
    }

    @Override
    public String gradientFormula(int i) {
        return "-gy/N at the target classes";
    }
}
