package dev.adjoint.ops.pool;

import dev.adjoint.Shapes;
import dev.adjoint.autograd.Interner;
import dev.adjoint.kernels.PoolParams;
import java.util.Arrays;
import java.util.Objects;

/** Sizes of a 2-D pooling window sweep (PyTorch semantics, floor mode), validated. */
public final class PoolGeometry {
    /** Equal sweeps are one object (at most 1,024), as {@code ConvGeometry}'s: kept graphs share them. Read only. */
    private static final Interner<PoolGeometry> SHARED = new Interner<>(1024);

    public final String op;
    public final int[] kernel;
    public final int[] stride;
    public final int[] padding;
    public final long n;
    public final long c;
    public final long h;
    public final long w;
    public final long oh;
    public final long ow;

    private PoolGeometry(String op, int[] kernel, int[] stride, int[] padding, long[] x, long oh, long ow) {
        this.op = op;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.n = x[0];
        this.c = x[1];
        this.h = x[2];
        this.w = x[3];
        this.oh = oh;
        this.ow = ow;
    }

    /** Validates and computes {@code out = (in + 2p - k) / s + 1} per dim. */
    public static PoolGeometry of(String op, long[] x, int[] kernel, int[] stride, int[] padding) {
        if (x.length != 4) {
            throw new IllegalArgumentException(op + ": input x must be 4-D [N, C, H, W], got " + Shapes.str(x));
        }
        checkWindow(op, kernel, stride, padding);
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            long padded = x[2 + i] + 2L * padding[i];
            if (kernel[i] > padded) {
                throw new IllegalArgumentException(op + ": kernelSize " + Arrays.toString(kernel) + " is larger than the padded input "
                        + padded + " in dim " + i + " (x " + Shapes.str(x) + ")");
            }
            out[i] = (padded - kernel[i]) / stride[i] + 1;
        }
        return SHARED.intern(new PoolGeometry(op, kernel.clone(), stride.clone(), padding.clone(), x, out[0], out[1]));
    }

    /**
     * Checks a pooling window before any input is seen (the layers call it when they are made; PyTorch
     * checks at the first forward): two entries each, kernel and stride positive, padding
     * non-negative and at most half the kernel.
     */
    public static void checkWindow(String op, int[] kernel, int[] stride, int[] padding) {
        check(op, "kernelSize", kernel, 1);
        check(op, "stride", stride, 1);
        check(op, "padding", padding, 0);
        for (int i = 0; i < 2; i++) {
            if (padding[i] * 2L > kernel[i]) {
                throw new IllegalArgumentException(op + ": padding " + Arrays.toString(padding) + " must be at most half of kernelSize "
                        + Arrays.toString(kernel));
            }
        }
    }

    private static void check(String op, String name, int[] v, int min) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(v) + " must have 2 entries");
        }
        for (int d : v) {
            if (d < min) {
                throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(v) + " must be " + (min == 0 ? "non-negative" : "positive"));
            }
        }
    }

    /** The sweep as the kernels take it. */
    public PoolParams params() {
        return new PoolParams(n, c, h, w, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], oh, ow);
    }

    public long[] inputShape() {
        return new long[] {n, c, h, w};
    }

    public long[] outputShape() {
        return new long[] {n, c, oh, ow};
    }

    public String describe() {
        return "kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolGeometry g && op.equals(g.op) && n == g.n && c == g.c && h == g.h && w == g.w && oh == g.oh && ow == g.ow
                && Arrays.equals(kernel, g.kernel) && Arrays.equals(stride, g.stride) && Arrays.equals(padding, g.padding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, n, c, h, w, oh, ow, Arrays.hashCode(kernel), Arrays.hashCode(stride), Arrays.hashCode(padding));
    }
}
