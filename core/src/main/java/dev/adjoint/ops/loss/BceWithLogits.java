package dev.adjoint.ops.loss;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.F;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Binary cross-entropy on logits, per element (the caller reduces: mean, sum or none), in the stable
 * closed form PyTorch uses: {@code l = max(x, 0) - x t + log(1 + e^-|x|)}. Backward:
 * {@code gx = gy (sigmoid(x) - t)}, {@code gt = -gy x}: one function, so the gradient at a logit of
 * exactly 0 is {@code 1/2 - t}, where the composite {@code relu(x) - x t + ...} would give {@code -t}
 * (relu and abs have slope 0 there).
 */
public final class BceWithLogits extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0], in[1]);
        INDArray x = in[0].data();
        INDArray t = in[1].data();
        return Transforms.relu(x, true).subi(x.mul(t)).addi(Transforms.log(Transforms.exp(Transforms.abs(x, true).negi(), false).addi(1), false));
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor x = saved(0);
        Tensor t = saved(1);
        return new Tensor[] {
            needsInputGrad(0) ? F.sigmoid(x).sub(t).mul(gy) : null,
            needsInputGrad(1) ? x.neg().mul(gy) : null
        };
    }

    @Override
    public String[] inputNames() {
        return new String[] {"x", "target"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? "gy (sigmoid(x) - t)" : "-gy x";
    }
}
