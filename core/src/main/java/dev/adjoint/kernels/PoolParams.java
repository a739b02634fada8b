package dev.adjoint.kernels;

/**
 * One 2-D pooling sweep: input {@code [n, c, h, w]}, window {@code kh x kw} moved by {@code sh, sw}
 * over the input padded by {@code ph, pw}, giving {@code [n, c, oh, ow]} (sizes validated by the caller).
 */
public record PoolParams(long n, long c, long h, long w, int kh, int kw, int sh, int sw, int ph, int pw, long oh, long ow) {
    public long[] inputShape() {
        return new long[] {n, c, h, w};
    }

    public long[] outputShape() {
        return new long[] {n, c, oh, ow};
    }
}
