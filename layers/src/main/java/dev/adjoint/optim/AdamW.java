package dev.adjoint.optim;

import dev.adjoint.Tensor;
import java.util.List;

/** Adam with decoupled weight decay (Loshchilov and Hutter): {@code p *= 1 - lr * wd} each step. Default wd 0.01. */
public final class AdamW extends Adam {
    public AdamW(List<? extends Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay, true);
    }

    /** With parameter groups: a group's {@code lr} and {@code weightDecay} override these. */
    public AdamW(ParamGroups groups, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(groups, lr, beta1, beta2, eps, weightDecay, true);
    }

    public AdamW(List<? extends Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01);
    }
}
