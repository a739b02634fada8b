package dev.adjoint.ops.loss;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.F;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Binary cross-entropy of probabilities, per element (the caller reduces), as PyTorch's
 * {@code nn.BCELoss}: {@code l = -(t max(log p, -100) + (1 - t) max(log(1 - p), -100))}. One function
 * rather than a composite of log and clamp, because its gradient is PyTorch's closed form
 * {@code gp = gy (p - t) / max(p (1 - p), 1e-12)}: finite where a probability is exactly 0 or 1
 * (a float32 sigmoid reaches 1.0 from a logit of about 17), where the composite's gradient is NaN.
 * The target's gradient is {@code gy (log(1 - p) - log p)}, unclamped, as PyTorch's.
 */
public final class BinaryCrossEntropy extends Function {
    /** PyTorch's floor for each log in the forward. */
    static final double LOG_FLOOR = -100;
    /** PyTorch's floor for {@code p (1 - p)} in the backward: its {@code EPSILON}, 1e-12 as a float (9.99999996e-13). */
    static final double VARIANCE_FLOOR = 1e-12f;

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1]);
        INDArray p = in[0].data();
        INDArray t = in[1].data();
        INDArray logP = Transforms.max(Transforms.log(p, true), LOG_FLOOR, false);
        INDArray logQ = Transforms.max(Transforms.log(p.rsub(1), false), LOG_FLOOR, false);
        return logP.muli(t).addi(logQ.muli(t.rsub(1))).negi();
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor p = saved(0);
        Tensor t = saved(1);
        return new Tensor[] {
            needsInputGrad(0) ? p.sub(t).div(F.clamp(p.mul(F.sub(Tensor.scalar(1, p.dtype()), p)), VARIANCE_FLOOR, Double.POSITIVE_INFINITY)).mul(gy) : null,
            needsInputGrad(1) ? F.sub(Tensor.scalar(1, p.dtype()), p).log().sub(p.log()).mul(gy) : null
        };
    }

    @Override
    public String[] inputNames() {
        return new String[] {"p", "target"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? "gy (p - t) / max(p (1 - p), 1e-12)" : "gy (log(1 - p) - log p)";
    }
}
