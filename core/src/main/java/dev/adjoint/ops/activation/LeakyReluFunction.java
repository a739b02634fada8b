package dev.adjoint.ops.activation;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code x} for {@code x > 0}, {@code slope * x} otherwise. Backward: {@code gy} times 1 or slope. */
public final class LeakyReluFunction extends Function {
    private final double slope;

    public LeakyReluFunction(double slope) {
        this.slope = slope;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0]);
        return Transforms.leakyRelu(in[0].data(), slope, true);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        INDArray x = saved(0).data();
        INDArray factor = x.gt(0).castTo(x.dataType()).muli(1 - slope).addi(slope);
        return new Tensor[] {gy.mul(new Tensor(factor))};
    }

    @Override
    public String args() {
        return "slope=" + slope;
    }
}
