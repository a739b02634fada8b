package dev.adjoint.ops.reduce;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.Host;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Sum over some dimensions (all when none are given). Backward: {@code gy} expanded back to the input's shape. */
public final class Sum extends Function {
    private final int[] dims;
    private final boolean keepDim;

    /** @param dims the dimensions to sum over; empty for all */
    public Sum(int[] dims, boolean keepDim) {
        this.dims = dims.clone();
        this.keepDim = keepDim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray x = in[0].data();
        if (x.rank() == 0) {
            return x.dup();
        }
        int[] d = Shapes.dims("sum", dims, x.rank());
        long[] outShape = Shapes.reduced(x.shape(), d, keepDim);
        if (x.dataType() == DataType.FLOAT && d.length == x.rank() - 1 && x.length() > 0) {
            return Host.arrayFrom(sumAllButOne(x, d), outShape);
        }
        return x.sum(keepDim, d).reshape(outShape);
    }

    /**
     * float32 sum over every dimension but one (a conv bias gradient: all but the channels) as one
     * Java pass, accumulated in double: ND4J's reduction along several dimensions costs ~0.4 ms for
     * a LeNet activation, this about a quarter of that.
     */
    private static float[] sumAllButOne(INDArray x, int[] dims) {
        int[] reduced = dims.clone();
        Arrays.sort(reduced);
        int kept = 0;
        while (kept < reduced.length && reduced[kept] == kept) {
            kept++;
        }
        long[] shape = x.shape();
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < kept) {
                outer *= (int) shape[i];
            } else if (i > kept) {
                inner *= (int) shape[i];
            }
        }
        int size = (int) shape[kept];
        float[] v = Host.floatsInto(x, Host.floatScratch("sum.src", (int) x.length()));
        double[] acc = new double[size];
        for (int o = 0; o < outer; o++) {
            for (int b = 0; b < size; b++) {
                int base = (o * size + b) * inner;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                int i = 0;
                for (; i + 4 <= inner; i += 4) {
                    s0 += v[base + i];
                    s1 += v[base + i + 1];
                    s2 += v[base + i + 2];
                    s3 += v[base + i + 3];
                }
                for (; i < inner; i++) {
                    s0 += v[base + i];
                }
                acc[b] += (double) s0 + s1 + s2 + s3;
            }
        }
        float[] out = new float[size];
        for (int b = 0; b < size; b++) {
            out[b] = (float) acc[b];
        }
        return out;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        long[] xShape = inputShape(0);
        if (xShape.length == 0) {
            return new Tensor[] {gy};
        }
        int[] d = Shapes.dims("sum", dims, xShape.length);
        Tensor kept = gy.reshape(Shapes.reduced(xShape, d, true));
        return new Tensor[] {kept.expand(xShape)};
    }

    @Override
    public String args() {
        return (dims.length == 0 ? "all" : "dims=" + Arrays.toString(dims)) + (keepDim ? ", keepDim" : "");
    }
}
