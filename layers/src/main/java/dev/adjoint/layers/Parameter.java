package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.kernels.Arena;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A leaf tensor that a {@link Module} owns and an optimizer updates; always requires grad. */
public final class Parameter extends Tensor {
    /** A parameter on {@code data}; pooled step memory (an op's output during training) is copied first, so it is never released. */
    public Parameter(INDArray data) {
        super(Arena.ownerOf(data) != null ? data.dup('c') : data);
        requiresGrad(true);
    }

    /** A parameter holding a copy of the tensor's values. */
    public static Parameter of(Tensor t) {
        return new Parameter(t.data().dup('c'));
    }

    @Override
    public String toString() {
        return "Parameter" + super.toString().substring("Tensor".length());
    }
}
