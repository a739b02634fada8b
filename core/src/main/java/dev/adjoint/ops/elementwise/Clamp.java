package dev.adjoint.ops.elementwise;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code min(max(x, min), max)}, as {@code torch.clamp}: when {@code min > max} every value becomes
 * {@code max}. Backward: {@code gy} where {@code min <= x <= max}, 0 elsewhere (everywhere when {@code min > max}).
 */
public final class Clamp extends Function {
    private final double min;
    private final double max;

    public Clamp(double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max)) {
            throw new IllegalArgumentException("clamp: min " + min + " and max " + max + " must be numbers (an infinity for no bound)");
        }
        this.min = min;
        this.max = max;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        save(in[0]);
        INDArray x = in[0].data();
        INDArray y = x.dup();
        if (min != Double.NEGATIVE_INFINITY) { // the lower bound first: with min > max, max wins, as in PyTorch
            y = Transforms.max(y, min, false);
        }
        if (max != Double.POSITIVE_INFINITY) {
            y = Transforms.min(y, max, false);
        }
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        INDArray x = saved(0).data();
        INDArray inside = x.gte(min).castTo(x.dataType()).muli(x.lte(max).castTo(x.dataType()));
        return new Tensor[] {gy.mul(new Tensor(inside))};
    }

    @Override
    public String args() {
        return "min=" + min + ", max=" + max;
    }
}
