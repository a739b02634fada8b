package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.GradMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Max pooling's argmax arrays are reused once the Function that kept them is freed (IntArrays): a
 * pooling still waiting for its backward, or a second-order graph built from one, must keep its own
 * positions while other poolings of the same size come and go. Expected gradients come from the
 * windows scanned here, not from the code under test.
 */
class MaxPoolIndicesOpsTest {
    private static final long[] SHAPE = {2, 3, 6, 6};
    private static final int[][][] GEOMETRIES = {{{2, 2}, {2, 2}, {0, 0}}, {{3, 3}, {2, 2}, {1, 1}}};

    /** Small integers, so windows often tie and the first maximum in scan order must win. */
    private static double[] values(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(5) - 2;
        }
        return v;
    }

    /** For each output window, the flat input position of its first maximum. */
    private static int[] argmax(double[] x, long[] shape, int[] k, int[] s, int[] p) {
        int planes = (int) (shape[0] * shape[1]);
        int h = (int) shape[2];
        int w = (int) shape[3];
        int oh = (h + 2 * p[0] - k[0]) / s[0] + 1;
        int ow = (w + 2 * p[1] - k[1]) / s[1] + 1;
        int[] at = new int[planes * oh * ow];
        for (int plane = 0; plane < planes; plane++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = -1;
                    for (int ky = 0; ky < k[0]; ky++) {
                        for (int kx = 0; kx < k[1]; kx++) {
                            int iy = oy * s[0] - p[0] + ky;
                            int ix = ox * s[1] - p[1] + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            int i = (plane * h + iy) * w + ix;
                            if (best < 0 || x[i] > x[best]) {
                                best = i;
                            }
                        }
                    }
                    at[(plane * oh + oy) * ow + ox] = best;
                }
            }
        }
        return at;
    }

    private static double[] scatter(int[] at, double[] gy, int n) {
        double[] g = new double[n];
        for (int o = 0; o < at.length; o++) {
            g[at[o]] += gy[o];
        }
        return g;
    }

    /** Poolings of the same size that free their argmax: after a backward, and under no-grad at once. */
    private static void otherPoolings(Random r, int n, int[][] g) {
        Tensor x = Tensor.of(DType.FLOAT64, values(r, n), SHAPE).requiresGrad(true);
        F.maxPool2d(x, g[0], g[1], g[2]).sum().backward();
        try (GradMode.Scope off = GradMode.disabled()) {
            F.maxPool2d(Tensor.of(DType.FLOAT64, values(r, n), SHAPE), g[0], g[1], g[2]);
        }
        F.maxPool2d(Tensor.of(DType.FLOAT64, values(r, n), SHAPE).requiresGrad(true), g[0], g[1], g[2]); // never backwarded
    }

    @Test
    void aPoolingWaitingForItsBackwardKeepsItsPositions() {
        Random r = new Random(3);
        int n = (int) (SHAPE[0] * SHAPE[1] * SHAPE[2] * SHAPE[3]);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[][] g : GEOMETRIES) {
                double[] a = values(r, n);
                Tensor xa = Tensor.of(dtype, a, SHAPE).requiresGrad(true);
                Tensor ya = F.maxPool2d(xa, g[0], g[1], g[2]);
                otherPoolings(r, n, g);
                double[] c = values(r, n);
                Tensor xc = Tensor.of(dtype, c, SHAPE).requiresGrad(true);
                Tensor yc = F.maxPool2d(xc, g[0], g[1], g[2]); // takes whatever the others gave back
                double[] gy = values(r, (int) ya.numel());
                ya.backward(Tensor.of(dtype, gy, ya.shape()));
                yc.backward(Tensor.of(dtype, gy, yc.shape()));
                assertThat(xa.grad().toDoubleArray()).as("first pooling, " + dtype).containsExactly(scatter(argmax(a, SHAPE, g[0], g[1], g[2]), gy, n));
                assertThat(xc.grad().toDoubleArray()).as("last pooling, " + dtype).containsExactly(scatter(argmax(c, SHAPE, g[0], g[1], g[2]), gy, n));
            }
        }
    }

    @Test
    void aSecondOrderGraphKeepsThePositionsItWasBuiltFrom() {
        Random r = new Random(5);
        int n = (int) (SHAPE[0] * SHAPE[1] * SHAPE[2] * SHAPE[3]);
        for (int[][] g : GEOMETRIES) {
            double[] a = values(r, n);
            Tensor x = Tensor.of(DType.FLOAT64, a, SHAPE).requiresGrad(true);
            Tensor y = F.maxPool2d(x, g[0], g[1], g[2]);
            double[] v = values(r, (int) y.numel());
            Tensor vt = Tensor.of(DType.FLOAT64, v, y.shape()).requiresGrad(true);
            // gx scatters v to the argmax; the first-order graph is freed, the recorded scatter keeps the positions
            Tensor gx = Autograd.grad(new Tensor[] {y.mul(vt).sum()}, new Tensor[] {x}, null, false, true)[0];
            otherPoolings(r, n, g);
            double[] c = values(r, n);
            Tensor dv = Autograd.grad(new Tensor[] {gx.mul(Tensor.of(DType.FLOAT64, c, SHAPE)).sum()}, new Tensor[] {vt}, null, false, false)[0];
            int[] at = argmax(a, SHAPE, g[0], g[1], g[2]);
            double[] expected = new double[at.length];
            for (int o = 0; o < at.length; o++) {
                expected[o] = c[at[o]]; // d/dv[o] of sum(c * scatter(v)) = c at window o's argmax
            }
            assertThat(dv.toDoubleArray()).containsExactly(expected);
        }
    }
}
