package dev.adjoint.optim;

import dev.adjoint.Tensor;
import java.util.List;

/**
 * Parameters that share hyper-parameters, as one dict of PyTorch's {@code optimizer(param_groups)}:
 * {@code ParamGroup.of(biasesAndNorms).weightDecay(0)} leaves those out of weight decay while the
 * other groups take the optimizer's; {@code lr} and {@code momentum} override likewise. What a group
 * does not set comes from the optimizer's constructor arguments. Pass groups in {@link ParamGroups}.
 */
public final class ParamGroup {
    final List<? extends Tensor> params;
    Double lr;
    Double momentum;
    Double weightDecay;

    private ParamGroup(List<? extends Tensor> params) {
        this.params = List.copyOf(params);
    }

    public static ParamGroup of(List<? extends Tensor> params) {
        return new ParamGroup(params);
    }

    /** This group's learning rate (PyTorch's {@code "lr"} key). */
    public ParamGroup lr(double lr) {
        this.lr = lr;
        return this;
    }

    /** This group's momentum (SGD). */
    public ParamGroup momentum(double momentum) {
        this.momentum = momentum;
        return this;
    }

    /** This group's weight decay (PyTorch's {@code "weight_decay"}). */
    public ParamGroup weightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
        return this;
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " parameters" + (lr != null ? ", lr=" + lr : "") + (momentum != null ? ", momentum=" + momentum : "")
                + (weightDecay != null ? ", weightDecay=" + weightDecay : "") + ")";
    }
}
