package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import dev.adjoint.ops.Host;

/**
 * 2-D max pooling (padding counts as minus infinity). Forward remembers, for each output, the
 * flat position of the maximum; backward scatters gy to those positions ({@link IndexScatter}).
 * Ties go to the first maximum in the window, as in PyTorch.
 */
public final class MaxPool2d extends Function {
    private final PoolGeometry g;
    private int[] argmax;

    public MaxPool2d(PoolGeometry geometry) {
        this.g = geometry;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        INDArray a = in[0].data();
        int size = (int) (g.n * g.c * g.oh * g.ow);
        argmax = new int[size];
        if (a.dataType() == DataType.FLOAT) {
            // float32 compared as float: the same argmax as PyTorch, and no double copy of the input
            float[] x = Host.floatsInto(a, Host.floatScratch("maxpool.src", (int) a.length()));
            float[] y = Host.floatScratch("maxpool.dst", size);
            findArgmax(i -> x[i]);
            for (int o = 0; o < size; o++) {
                y[o] = argmax[o] < 0 ? Float.NEGATIVE_INFINITY : x[argmax[o]];
            }
            return Host.arrayFrom(y, g.outputShape());
        }
        double[] x = Host.doubles(a);
        double[] y = new double[size];
        findArgmax(i -> x[i]);
        for (int o = 0; o < size; o++) {
            y[o] = argmax[o] < 0 ? Double.NEGATIVE_INFINITY : x[argmax[o]];
        }
        return Host.arrayFrom(y, g.outputShape());
    }

    /** Fills {@link #argmax}: per output, the flat input index of its window's maximum (NaN wins, first of ties). */
    private void findArgmax(java.util.function.IntToDoubleFunction x) {
        int planes = (int) (g.n * g.c);
        int h = (int) g.h;
        int w = (int) g.w;
        int oh = (int) g.oh;
        int ow = (int) g.ow;
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int ky = 0; ky < g.kernel[0]; ky++) {
                        int iy = oy * g.stride[0] - g.padding[0] + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kernel[1]; kx++) {
                            int ix = ox * g.stride[1] - g.padding[1] + kx;
                            if (ix < 0 || ix >= w) {
                                continue;
                            }
                            double v = x.applyAsDouble(base + iy * w + ix);
                            if (at < 0 || v > best || Double.isNaN(v)) {
                                best = v;
                                at = base + iy * w + ix;
                                if (Double.isNaN(v)) {
                                    break;
                                }
                            }
                        }
                    }
                    argmax[(p * oh + oy) * ow + ox] = at;
                }
            }
        }
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new IndexScatter(argmax, g.inputShape()).apply(gy)};
    }

    @Override
    public String args() {
        return g.describe();
    }

    @Override
    public String gradientFormula(int i) {
        return "scatter gy to each window's argmax";
    }
}
