package dev.adjoint;

import java.util.Arrays;

/** Shape arithmetic shared by the ops: broadcasting, dimension normalisation, formatting. */
public final class Shapes {
    private Shapes() {
    }

    /** Number of elements of a shape (1 for a scalar shape {@code []}). */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** {@code [2, 3]}: the form every error message uses. */
    public static String str(long[] shape) {
        return Arrays.toString(shape);
    }

    public static long[] toLong(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }

    /**
     * The NumPy/PyTorch broadcast of two shapes: align on the right, sizes must be equal or 1.
     *
     * @throws IllegalArgumentException naming the op and both shapes when they do not broadcast
     */
    public static long[] broadcast(String op, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast together (dimension " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Normalises a possibly negative dimension index; rejects it if out of range for the rank. */
    public static int dim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " is out of range for a tensor of rank " + rank);
        }
        return d;
    }

    /** Normalised, sorted, duplicate-checked dims; an empty array means "all dims". */
    public static int[] dims(String op, int[] dims, int rank) {
        if (dims == null || dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dim(op, dims[i], rank);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new IllegalArgumentException(op + ": dimension " + out[i] + " is listed twice in " + Arrays.toString(dims));
            }
        }
        return out;
    }

    /** The shape with the given (sorted, normalised) dims set to 1 (keepDim) or removed. */
    public static long[] reduced(long[] shape, int[] dims, boolean keepDim) {
        boolean[] reduce = new boolean[shape.length];
        for (int d : dims) {
            reduce[d] = true;
        }
        long[] out = new long[keepDim ? shape.length : shape.length - dims.length];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (reduce[i]) {
                if (keepDim) {
                    out[j++] = 1;
                }
            } else {
                out[j++] = shape[i];
            }
        }
        return out;
    }
}
