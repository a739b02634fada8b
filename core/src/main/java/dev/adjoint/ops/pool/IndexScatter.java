package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import dev.adjoint.ops.Host;

/**
 * {@code y = zeros(shape); y.flat[index[i]] += x.flat[i]}: max pooling's backward. Backward:
 * {@link IndexGather}, its adjoint, which is what makes double backward through max pooling work.
 */
public final class IndexScatter extends Function {
    private final int[] index;
    private final long[] outShape;

    public IndexScatter(int[] index, long[] outShape) {
        this.index = index;
        this.outShape = outShape.clone();
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray a = in[0].data();
        int size = (int) dev.adjoint.Shapes.numel(outShape);
        if (a.dataType() == DataType.FLOAT) {
            float[] x = Host.floatsInto(a, Host.floatScratch("scatter.src", (int) a.length()));
            float[] y = Host.floatScratch("scatter.dst", size);
            java.util.Arrays.fill(y, 0, size, 0f);
            for (int i = 0; i < index.length; i++) {
                y[index[i]] += x[i];
            }
            return Host.arrayFrom(y, outShape);
        }
        double[] x = Host.doubles(a);
        double[] y = new double[size];
        for (int i = 0; i < x.length; i++) {
            y[index[i]] += x[i];
        }
        return Host.arrayFrom(y, outShape);
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new IndexGather(index, inputShape(0)).apply(gy)};
    }
}
