package dev.adjoint.ops.shape;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reverses the order of elements along the given dims. Its own adjoint: backward flips gy the same way. */
public final class Flip extends Function {
    private final int[] dims;

    public Flip(int... dims) {
        this.dims = dims.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        int rank = in[0].dim();
        int[] d = new int[dims.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Shapes.dim("flip", dims[i], rank);
        }
        return kernels().flip(in[0].data(), d);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new Flip(dims).apply(gy)};
    }

    @Override
    public String args() {
        return "dims=" + Arrays.toString(dims);
    }
}
