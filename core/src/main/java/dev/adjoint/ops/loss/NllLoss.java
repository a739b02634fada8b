package dev.adjoint.ops.loss;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import dev.adjoint.Arena;

/**
 * Negative log-likelihood of class indices, mean over the batch: {@code -mean_i logp[i, t_i]}
 * for log-probabilities {@code [N, C]}. Backward: {@code -gy / N} at each {@code [i, t_i]}, 0 elsewhere.
 */
public final class NllLoss extends Function {
    private final int[] target;
    private INDArray pick;

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
        for (int i = 0; i < n; i++) {
            if (target[i] < 0 || target[i] >= c) {
                throw new IllegalArgumentException("nllLoss: target[" + i + "] = " + target[i] + " is not a class index in [0, " + c + ")");
            }
        }
        // The pick matrix has -1/N at [i, t_i]: the loss is sum(pick * logp), and its gradient is pick.
        INDArray logp = in[0].data();
        pick = Arena.zeros(logp.dataType(), n, c);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            pick.putScalar(i, target[i], -1.0 / n);
            loss -= logp.getDouble(i, target[i]);
        }
        INDArray out = Arena.allocate(logp.dataType());
        out.putScalar(0, loss / n);
        return out;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new Tensor(pick).mul(gy)};
    }

    @Override
    public String gradientFormula(int i) {
        return "-gy/N at the target classes";
    }
}
