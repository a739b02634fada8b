package dev.adjoint.ops.shape;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reorders dimensions: output dim {@code i} is input dim {@code dims[i]}. Backward: the inverse permutation. */
public final class Permute extends Function {
    private final int[] dims;

    public Permute(int[] dims) {
        this.dims = dims.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        int rank = in[0].dim();
        boolean[] seen = new boolean[rank];
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " has " + dims.length + " dims but the input "
                    + Arrays.toString(in[0].shape()) + " has " + rank);
        }
        for (int i = 0; i < rank; i++) {
            int d = dims[i] < 0 ? dims[i] + rank : dims[i];
            if (d < 0 || d >= rank || seen[d]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " is not a permutation of the dims of "
                        + Arrays.toString(in[0].shape()));
            }
            seen[d] = true;
            dims[i] = d;
        }
        // A contiguous copy: later ops (gemm, reshape) then never see strided views.
        return in[0].data().permute(dims).dup('c');
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        int[] inverse = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            inverse[dims[i]] = i;
        }
        return new Tensor[] {gy.permute(inverse)};
    }

    @Override
    public String args() {
        return "dims=" + Arrays.toString(dims);
    }
}
