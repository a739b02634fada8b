package dev.adjoint.ops;

import dev.adjoint.DType;
import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.ops.pool.IndexGather;

/**
 * The non-differentiable selections behind {@code argmax}, {@code max(dim)}, {@code topk} and the
 * comparisons: plain loops over the values on the host. The values they pick are gathered with
 * {@link IndexGather}, so their gradient goes to the picked positions only (PyTorch's rule: ties
 * are not split).
 */
final class Indexing {
    /** Index tensors are float32 while every index is exact in it (below 2^24), else float64. */
    private static final long FLOAT32_EXACT = 1L << 24;

    private Indexing() {
    }

    /** {@code outer x size x inner} around {@code dim}. */
    private record Layout(long[] shape, int dim, int outer, int size, int inner) {
        static Layout of(String op, Tensor x, int dim) {
            long[] shape = x.shape();
            if (shape.length == 0) {
                return new Layout(new long[] {1}, 0, 1, 1, 1);
            }
            int d = Shapes.dim(op, dim, shape.length);
            long outer = 1;
            long inner = 1;
            for (int i = 0; i < shape.length; i++) {
                if (i < d) {
                    outer *= shape[i];
                } else if (i > d) {
                    inner *= shape[i];
                }
            }
            if (shape[d] == 0) {
                throw new IllegalArgumentException(op + ": dim " + dim + " of " + Shapes.str(shape) + " is empty: there is nothing to select from");
            }
            return new Layout(shape, d, (int) outer, (int) shape[d], (int) inner);
        }

        long[] reducedShape(int k, boolean keepDim) {
            if (!keepDim && k == 1) {
                return Shapes.reduced(shape, new int[] {dim}, false);
            }
            long[] s = shape.clone();
            s[dim] = k;
            return s;
        }
    }

    /** The k largest values along dim, largest first; ties keep the lower index first; NaN counts as the largest. */
    static ValuesAndIndices topk(String op, Tensor x, int k, int dim, boolean keepDim) {
        Layout l = Layout.of(op, x, dim);
        if (k < 1 || k > l.size) {
            throw new IllegalArgumentException(op + ": k=" + k + " must be from 1 to the size " + l.size + " of dim " + dim + " of "
                    + Shapes.str(x.shape()));
        }
        double[] v = x.toDoubleArray();
        int n = l.outer * l.inner;
        int[] flat = new int[n * k];
        double[] picked = new double[n * k];
        Integer[] order = new Integer[l.size];
        for (int o = 0; o < l.outer; o++) {
            for (int i = 0; i < l.inner; i++) {
                int base = o * l.size * l.inner + i;
                if (k == 1) { // max and argmax: one scan, the first of ties
                    int best = 0;
                    for (int j = 1; j < l.size; j++) {
                        if (compareDescending(v[base + j * l.inner], v[base + best * l.inner]) < 0) {
                            best = j;
                        }
                    }
                    flat[o * l.inner + i] = base + best * l.inner;
                    picked[o * l.inner + i] = best;
                    continue;
                }
                for (int j = 0; j < l.size; j++) {
                    order[j] = j;
                }
                java.util.Arrays.sort(order, (a, b) -> compareDescending(v[base + a * l.inner], v[base + b * l.inner])); // stable
                for (int j = 0; j < k; j++) {
                    int out = (o * k + j) * l.inner + i;
                    flat[out] = base + order[j] * l.inner;
                    picked[out] = order[j];
                }
            }
        }
        long[] outShape = l.reducedShape(k, keepDim);
        Tensor values = new IndexGather(flat, outShape).apply(x);
        DType indexType = l.size < FLOAT32_EXACT ? DType.FLOAT32 : DType.FLOAT64;
        return new ValuesAndIndices(values, Tensor.of(indexType, picked, outShape));
    }

    /** Larger first, NaN before everything (as PyTorch's max propagates it); equal values compare equal. */
    private static int compareDescending(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) ? (Double.isNaN(b) ? 0 : -1) : 1;
        }
        return Double.compare(b == 0 ? 0.0 : b, a == 0 ? 0.0 : a); // -0.0 == 0.0
    }

    /** Elementwise comparison with broadcasting: 1 where it holds, else 0, in a's dtype; never requires grad. */
    static Tensor compare(String op, Tensor a, Tensor b, java.util.function.DoubleBinaryOperator test) {
        long[] shape = Shapes.broadcast(op, a.shape(), b.shape());
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        int n = (int) Shapes.numel(shape);
        double[] out = new double[n];
        long[] as = padded(a.shape(), shape.length);
        long[] bs = padded(b.shape(), shape.length);
        int[] at = new int[shape.length];
        for (int f = 0; f < n; f++) {
            int ia = 0;
            int ib = 0;
            for (int d = 0; d < shape.length; d++) { // index into each operand, size-1 dims repeating
                ia = (int) (ia * as[d] + (as[d] == 1 ? 0 : at[d]));
                ib = (int) (ib * bs[d] + (bs[d] == 1 ? 0 : at[d]));
            }
            out[f] = test.applyAsDouble(x[ia], y[ib]);
            for (int d = shape.length - 1; d >= 0 && ++at[d] == shape[d]; d--) {
                at[d] = 0;
            }
        }
        return Tensor.of(a.dtype(), out, shape);
    }

    private static long[] padded(long[] s, int rank) {
        long[] p = new long[rank];
        java.util.Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, rank - s.length, s.length);
        return p;
    }
}
