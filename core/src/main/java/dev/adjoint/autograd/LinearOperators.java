package dev.adjoint.autograd;

import dev.adjoint.DType;
import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Makes the adjoint visible. A linear function of one tensor (a convolution with fixed weights, a
 * transposed convolution, a pooling-free layer) is a matrix {@code A}; {@link #matrix} builds it
 * column by column for a small input shape, and {@link #checkAdjoint} verifies on random data that
 * a second function is its transpose: {@code <A x, y> = <x, A^T y>}.
 */
public final class LinearOperators {
    private LinearOperators() {
    }

    /**
     * The dense matrix of {@code op} at {@code inputShape}: column {@code j} is {@code op(e_j)},
     * flattened row-major, for the unit vector {@code e_j} (float64).
     *
     * @return {@code [outputs][inputs]}
     */
    public static double[][] matrix(UnaryOperator<Tensor> op, long... inputShape) {
        int n = Math.toIntExact(Shapes.numel(inputShape));
        double[][] columns = new double[n][];
        try (GradMode.Scope g = GradMode.disabled()) {
            for (int j = 0; j < n; j++) {
                double[] e = new double[n];
                e[j] = 1;
                columns[j] = op.apply(Tensor.of(DType.FLOAT64, e, inputShape)).toDoubleArray();
            }
        }
        int m = columns.length == 0 ? 0 : columns[0].length;
        double[][] a = new double[m][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                a[i][j] = columns[j][i];
            }
        }
        return a;
    }

    /** The transpose of a dense matrix. */
    public static double[][] transpose(double[][] a) {
        int m = a.length;
        int n = m == 0 ? 0 : a[0].length;
        double[][] t = new double[n][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** The two sides of the adjoint identity and how far apart they are (relative to their size). */
    public record AdjointCheck(double lhs, double rhs, double deviation) {
        @Override
        public String toString() {
            return String.format("<A x, y> = %.15g, <x, A^T y> = %.15g, relative deviation %.3g", lhs, rhs, deviation);
        }
    }

    /**
     * Checks {@code <op(x), y> = <x, opT(y)>} for random float64 {@code x} of {@code inputShape}
     * and random {@code y} of op's output shape.
     */
    public static AdjointCheck checkAdjoint(UnaryOperator<Tensor> op, UnaryOperator<Tensor> opT, long[] inputShape, long seed) {
        try (GradMode.Scope g = GradMode.disabled()) {
            Tensor x = Tensor.randn(seed, DType.FLOAT64, inputShape);
            Tensor ax = op.apply(x);
            Tensor y = Tensor.randn(seed + 1, DType.FLOAT64, ax.shape());
            Tensor aty = opT.apply(y);
            if (!Arrays.equals(aty.shape(), inputShape)) {
                throw new IllegalArgumentException("checkAdjoint: the second operator maps " + Shapes.str(ax.shape()) + " to "
                        + Shapes.str(aty.shape()) + ", not back to the input shape " + Shapes.str(inputShape));
            }
            double lhs = dot(ax, y);
            double rhs = dot(x, aty);
            double scale = Math.max(1, Math.max(Math.abs(lhs), Math.abs(rhs)));
            return new AdjointCheck(lhs, rhs, Math.abs(lhs - rhs) / scale);
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
