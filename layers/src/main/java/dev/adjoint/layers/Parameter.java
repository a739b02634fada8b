package dev.adjoint.layers;

import dev.adjoint.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A leaf tensor that a {@link Module} owns and an optimizer updates; always requires grad. */
public final class Parameter extends Tensor {
    /** A parameter on {@code data} (not copied: the optimizer updates this array in place). */
    public Parameter(INDArray data) {
        super(data);
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
