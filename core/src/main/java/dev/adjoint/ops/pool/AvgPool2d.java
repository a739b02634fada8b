package dev.adjoint.ops.pool;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import dev.adjoint.ops.Host;

/**
 * 2-D average pooling. A linear map, so its backward is its adjoint {@link AvgPool2dBackward}
 * (spread each gy over its window, divided by the same count), whose backward is this again.
 * The count is the window area, or only the in-image elements when {@code countIncludePad} is false.
 */
public final class AvgPool2d extends Function {
    private final PoolGeometry g;
    private final boolean countIncludePad;

    public AvgPool2d(PoolGeometry geometry, boolean countIncludePad) {
        this.g = geometry;
        this.countIncludePad = countIncludePad;
    }

    /** Visits every (output, input) pair of the sweep with the divisor of that output. */
    interface Visitor {
        void visit(int out, int in, double divisor);
    }

    static void sweep(PoolGeometry g, boolean countIncludePad, Visitor v) {
        int planes = (int) (g.n * g.c);
        int h = (int) g.h;
        int w = (int) g.w;
        int oh = (int) g.oh;
        int ow = (int) g.ow;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.stride[0] - g.padding[0];
                int yStart = Math.max(y0, 0);
                int yEnd = Math.min(y0 + g.kernel[0], h);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * g.stride[1] - g.padding[1];
                    int xStart = Math.max(x0, 0);
                    int xEnd = Math.min(x0 + g.kernel[1], w);
                    double divisor = countIncludePad ? g.kernel[0] * g.kernel[1] : (yEnd - yStart) * (xEnd - xStart);
                    int o = (p * oh + oy) * ow + ox;
                    for (int iy = yStart; iy < yEnd; iy++) {
                        for (int ix = xStart; ix < xEnd; ix++) {
                            v.visit(o, (p * h + iy) * w + ix, divisor);
                        }
                    }
                }
            }
        }
    }

    @Override
    protected INDArray forward(Tensor... in) {
        double[] x = Host.doubles(in[0].data());
        double[] y = new double[(int) (g.n * g.c * g.oh * g.ow)];
        sweep(g, countIncludePad, (o, i, d) -> y[o] += x[i] / d);
        return Host.array(y, g.outputShape(), in[0].data().dataType());
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new AvgPool2dBackward(g, countIncludePad).apply(gy)};
    }

    @Override
    public String args() {
        return g.describe() + (countIncludePad ? "" : ", countIncludePad=false");
    }
}
