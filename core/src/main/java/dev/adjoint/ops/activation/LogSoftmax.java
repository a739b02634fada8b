package dev.adjoint.ops.activation;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.Host;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code x - log(sum(e^x))} along one dimension, stable: {@code (x - m) - log(sum(e^(x - m)))}
 * with {@code m = max(x)}. Backward: {@code gy - e^y * sum(gy)}, one function ({@link LogSoftmaxBackward}).
 */
public final class LogSoftmax extends Function {
    private final int dim;

    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray x = in[0].data();
        int d = Shapes.dim("logSoftmax", dim, x.rank());
        saveOutput();
        if (d == x.rank() - 1 && x.length() > 0) {
            return rows(x);
        }
        INDArray shifted = x.sub(x.max(true, d));
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, d), false);
        return shifted.subi(logSum);
    }

    /**
     * Along the last dimension (the classifier's {@code [N, C]}), as one Java pass per row in
     * double: five ND4J ops cost ~0.5 ms for LeNet's [64, 10], dispatch rather than arithmetic.
     */
    private static INDArray rows(INDArray x) {
        int c = (int) x.size(x.rank() - 1);
        int n = (int) (x.length() / c);
        double[] v = Host.doublesScratch("logSoftmax.x", x);
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                m = Math.max(m, v[i * c + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(v[i * c + j] - m);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < c; j++) {
                v[i * c + j] = v[i * c + j] - m - logSum;
            }
        }
        return Host.array(v, x.shape(), x.dataType());
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new LogSoftmaxBackward(dim).apply(gy, output())};
    }

    @Override
    public String args() {
        return "dim=" + dim;
    }
}
