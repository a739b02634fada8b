package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.kernels.KernelSelection;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam (and AdamW, its decoupled-weight-decay variant) as PyTorch's:
 * {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
 * {@code p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)}. Adam adds {@code wd * p}
 * to the gradient; AdamW instead shrinks {@code p *= 1 - lr * wd} before the step.
 */
public class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    protected Adam(List<? extends Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this(ParamGroups.of(ParamGroup.of(params)), lr, beta1, beta2, eps, weightDecay, decoupled);
    }

    protected Adam(ParamGroups groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(groups, lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0) || Double.isInfinite(eps)
                || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": betas must be in [0, 1) and eps, weightDecay non-negative; got betas ("
                    + beta1 + ", " + beta2 + "), eps " + eps + ", weightDecay " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    public Adam(List<? extends Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    /** Defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    /** With parameter groups: a group's {@code lr} and {@code weightDecay} override these. */
    public Adam(ParamGroups groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(groups, lr, beta1, beta2, eps, weightDecay, false);
    }

    public Adam(List<? extends Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0);
    }

    @Override
    protected java.util.Set<String> stateNames() {
        return java.util.Set.of("exp_avg", "exp_avg_sq", "step");
    }

    @Override
    protected void update(INDArray p, INDArray grad, Map<String, INDArray> state) {
        double weightDecay = groupOption("weight_decay", this.weightDecay);
        INDArray m = state.computeIfAbsent("exp_avg", k -> p.ulike().assign(0));
        INDArray v = state.computeIfAbsent("exp_avg_sq", k -> p.ulike().assign(0));
        INDArray stepBuf = state.computeIfAbsent("step", k -> org.nd4j.linalg.factory.Nd4j.scalar(p.dataType(), 0.0));
        double t = stepBuf.getDouble(0L) + 1;
        stepBuf.assign(t);
        KernelSelection.current().adamStep(p, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, t); // in place, no temporaries
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps
                + (weightDecay != 0 ? ", weightDecay=" + weightDecay : "") + ")";
    }
}
