package dev.adjoint.ops.shape;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import dev.adjoint.ops.Host;

/** Reverses the order of elements along the given dims. Its own adjoint: backward flips gy the same way. */
public final class Flip extends Function {
    private final int[] dims;

    public Flip(int... dims) {
        this.dims = dims.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        long[] shape = in[0].shape();
        int rank = shape.length;
        boolean[] flip = new boolean[rank];
        for (int d : dims) {
            flip[Shapes.dim("flip", d, rank)] = true;
        }
        long[] stride = new long[rank];
        long s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        double[] src = Host.doubles(in[0].data());
        double[] dst = new double[src.length];
        for (int i = 0; i < dst.length; i++) {
            long j = 0;
            for (int d = 0; d < rank; d++) {
                long idx = (i / stride[d]) % shape[d];
                j += (flip[d] ? shape[d] - 1 - idx : idx) * stride[d];
            }
            dst[i] = src[(int) j];
        }
        return Host.array(dst, shape, in[0].data().dataType());
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
