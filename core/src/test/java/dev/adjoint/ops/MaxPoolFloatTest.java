package dev.adjoint.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * float32 max pooling (its own loops, a branch-free 2x2 one among them) against float64 pooling of
 * the same values, whose results the conformance cases check against PyTorch. Small integers make
 * ties common; a few NaNs must win their windows. Values and the positions the gradient goes to
 * must be identical.
 */
class MaxPoolFloatTest {
    private static double[][] pool(double[] values, DType dtype, long[] shape, int[] k, int[] s, int[] p) {
        Tensor x = Tensor.of(dtype, values, shape).requiresGrad(true);
        Tensor y = F.maxPool2d(x, k, s, p);
        y.backward(Tensor.ones(dtype, y.shape()));
        return new double[][] {y.toDoubleArray(), x.grad().toDoubleArray()};
    }

    @Test
    void float32PoolingPicksTheSameElementsAsFloat64() {
        Random r = new Random(7);
        int[][][] geometries = {
            {{2, 2}, {2, 2}, {0, 0}}, // the branch-free path
            {{3, 3}, {2, 2}, {1, 1}},
            {{2, 3}, {1, 2}, {1, 0}},
        };
        for (int[][] g : geometries) {
            for (int rep = 0; rep < 5; rep++) {
                long[] shape = {1 + r.nextInt(3), 1 + r.nextInt(4), 4 + r.nextInt(6), 4 + r.nextInt(6)};
                double[] v = new double[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextInt(20) == 0 ? Double.NaN : r.nextInt(4) - 2;
                }
                double[][] f32 = pool(v, DType.FLOAT32, shape, g[0], g[1], g[2]);
                double[][] f64 = pool(v, DType.FLOAT64, shape, g[0], g[1], g[2]);
                assertThat(f32[0]).as("values").containsExactly(f64[0]);
                assertThat(f32[1]).as("gradient positions").containsExactly(f64[1]);
            }
        }
    }
}
