package dev.adjoint.ops.reduce;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.Arena;
import dev.adjoint.ops.Host;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sums a broadcast gradient back to a smaller shape: over the extra leading dimensions, and over
 * the dimensions where the target has size 1. The adjoint of {@link Expand}; its backward is Expand.
 */
public final class SumTo extends Function {
    private final long[] target;

    public SumTo(long[] target) {
        this.target = target.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray g = in[0].data();
        long[] shape = g.shape();
        int lead = shape.length - target.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: cannot sum shape " + Shapes.str(shape) + " to the larger rank of " + Shapes.str(target));
        }
        int n = 0;
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) {
                dims[n++] = i;
            } else if (target[i - lead] == 1 && shape[i] != 1) {
                dims[n++] = i;
            } else if (target[i - lead] != shape[i]) {
                throw new IllegalArgumentException("sumTo: shape " + Shapes.str(shape) + " does not broadcast from " + Shapes.str(target));
            }
        }
        if (n > 0 && dims[n - 1] == n - 1 && g.dataType() == DataType.FLOAT && Host.isDense(g) && g.length() > 0) {
            return leadingInJava(g, n);
        }
        INDArray s = n == 0 ? g.dup() : g.sum(true, java.util.Arrays.copyOf(dims, n));
        return s.reshape(target);
    }

    /**
     * The common case, a bias gradient: the summed dimensions are the leading ones, so the result is
     * the column sums of a {@code [rows, cols]} matrix. One Java pass (accumulated in double) instead
     * of an ND4J reduction call.
     */
    private INDArray leadingInJava(INDArray g, int summed) {
        long[] shape = g.shape();
        int rows = 1;
        for (int i = 0; i < summed; i++) {
            rows *= (int) shape[i];
        }
        int cols = (int) (g.length() / rows);
        float[] v = Host.floatsInto(g, Host.floatScratch("sumTo.src", (int) g.length()));
        double[] acc = Host.doubleScratch("sumTo.acc", cols);
        java.util.Arrays.fill(acc, 0, cols, 0.0);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                acc[c] += v[base + c];
            }
        }
        INDArray out = Arena.allocate(DataType.FLOAT, target);
        java.nio.FloatBuffer o = Host.floatView(out);
        for (int c = 0; c < cols; c++) {
            o.put(c, (float) acc[c]);
        }
        return out;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {gy.expand(inputShape(0))};
    }

    @Override
    public String args() {
        return "shape=" + Shapes.str(target);
    }
}
