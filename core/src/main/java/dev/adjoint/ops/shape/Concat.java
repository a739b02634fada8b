package dev.adjoint.ops.shape;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Joins tensors along one dimension. Backward: each input gets its own slice of {@code gy}. */
public final class Concat extends Function {
    private final int dim;

    public Concat(int dim) {
        this.dim = dim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        if (in.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        long[] first = in[0].shape();
        int d = Shapes.dim("concat", dim, first.length);
        INDArray[] arrays = new INDArray[in.length];
        for (int t = 0; t < in.length; t++) {
            long[] s = in[t].shape();
            boolean ok = s.length == first.length && in[t].dtype() == in[0].dtype();
            for (int i = 0; ok && i < s.length; i++) {
                ok = i == d || s[i] == first[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: tensor " + t + " " + in[t].dtype() + Shapes.str(s) + " does not match tensor 0 "
                        + in[0].dtype() + Shapes.str(first) + " outside dim " + d);
            }
            arrays[t] = in[t].data();
        }
        return Nd4j.concat(d, arrays);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        int d = Shapes.dim("concat", dim, gy.dim());
        Tensor[] out = new Tensor[inputCount()];
        long offset = 0;
        for (int t = 0; t < out.length; t++) {
            long len = inputShape(t)[d];
            out[t] = needsInputGrad(t) ? gy.narrow(d, offset, len) : null;
            offset += len;
        }
        return out;
    }

    @Override
    public String args() {
        return "dim=" + dim;
    }
}
