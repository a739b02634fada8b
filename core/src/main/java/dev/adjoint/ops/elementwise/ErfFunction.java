package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;

/** The error function {@code erf(x)}. Backward: {@code gy * 2/sqrt(pi) * e^(-x^2)} (differentiable again). */
public final class ErfFunction extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0]);
        INDArray x = in[0].data();
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new Erf(x, out));
        return out;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor x = saved(0);
        return new Tensor[] {gy.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI)))};
    }


    @Override
    public String gradientFormula(int i) {
        return "gy * 2/sqrt(pi) * exp(-x^2)";
    }
}
