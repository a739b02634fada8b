package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code x ^ p} for a constant exponent. Backward: {@code gy * p * x^(p-1)}, and 0 for {@code p = 0} (as PyTorch). */
public final class Pow extends Function {
    private final double exponent;

    public Pow(double exponent) {
        this.exponent = exponent;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0]);
        return Transforms.pow(in[0].data(), exponent, true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor x = saved(0);
        if (exponent == 1) {
            return new Tensor[] {gy};
        }
        if (exponent == 0) { // x^0 is 1 everywhere, 0^0 included: the gradient is 0 (p x^(p-1) would be 0 * inf at x = 0)
            return new Tensor[] {Tensor.zeros(x.dtype(), x.shape())};
        }
        return new Tensor[] {gy.mul(x.pow(exponent - 1).mul(exponent))};
    }

    @Override
    public String args() {
        return "exponent=" + exponent;
    }
}
