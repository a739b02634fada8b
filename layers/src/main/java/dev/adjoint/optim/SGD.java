package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.kernels.KernelSelection;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD}:
 * {@code g = grad + wd * p}; with momentum {@code buf = momentum * buf + (1 - dampening) * g}
 * (the first step sets {@code buf = g}), then {@code g = g + momentum * buf} (Nesterov) or
 * {@code g = buf}; finally {@code p -= lr * g}.
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;

    public SGD(List<? extends Tensor> params, double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        this(ParamGroups.of(ParamGroup.of(params)), lr, momentum, dampening, weightDecay, nesterov);
    }

    /**
     * With parameter groups, PyTorch's order: each group's {@code lr}, {@code momentum} and
     * {@code weightDecay} override these, e.g. no weight decay for biases and norms.
     */
    public SGD(ParamGroups groups, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(groups, lr);
        if (!(momentum >= 0) || !(weightDecay >= 0) || !(dampening >= 0) || Double.isInfinite(momentum) || Double.isInfinite(weightDecay)
                || Double.isInfinite(dampening)) {
            throw new IllegalArgumentException("SGD: momentum, dampening and weightDecay must be finite and non-negative, got " + momentum + ", "
                    + dampening + ", " + weightDecay);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    /** PyTorch's order: {@code SGD(params, lr, momentum, dampening, weight_decay, nesterov)}. */
    public SGD(List<? extends Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this(ParamGroups.of(ParamGroup.of(params)), lr, momentum, dampening, weightDecay, nesterov);
    }

    public SGD(List<? extends Tensor> params, double lr, double momentum) {
        this(params, lr, momentum, 0, false, 0);
    }

    public SGD(List<? extends Tensor> params, double lr) {
        this(params, lr, 0);
    }

    @Override
    protected void update(INDArray p, INDArray grad, Map<String, INDArray> state) {
        double momentum = groupOption("momentum", this.momentum);
        double weightDecay = groupOption("weight_decay", this.weightDecay);
        INDArray buffer = state.get("momentum_buffer");
        boolean first = false;
        if (momentum != 0 && buffer == null) {
            buffer = org.nd4j.linalg.factory.Nd4j.create(p.dataType(), p.shape());
            state.put("momentum_buffer", buffer);
            first = true;
        }
        // one pass in place: weight decay, momentum and the update without temporaries
        KernelSelection.current().sgdStep(p, grad, buffer, lr, momentum, dampening, weightDecay, nesterov, first);
    }

    @Override
    protected java.util.Set<String> stateNames() {
        return java.util.Set.of("momentum_buffer");
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr + ", momentum=" + momentum + (dampening != 0 ? ", dampening=" + dampening : "") + (nesterov ? ", nesterov" : "")
                + (weightDecay != 0 ? ", weightDecay=" + weightDecay : "") + ")";
    }
}
