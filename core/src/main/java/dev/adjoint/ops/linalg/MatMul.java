package dev.adjoint.ops.linalg;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix product {@code op(a) @ op(b)}: 2-D by 2-D, where {@code op} may transpose either operand
 * (as gemm does, without copying), batched (same leading dims), or batched by a shared 2-D matrix.
 *
 * <p>Backward, for {@code C = A B}: {@code gA = gy B^T}, {@code gB = A^T gy}; with the transposed
 * forms the same identities, written with the flags so no transpose is ever materialised
 * (e.g. {@code C = A B^T}: {@code gA = gy B}, {@code gB = gy^T A}).
 */
public final class MatMul extends Function {
    private final boolean transA;
    private final boolean transB;

    public MatMul() {
        this(false, false);
    }

    /** Transposed operands are supported for 2-D inputs only. */
    public MatMul(boolean transA, boolean transB) {
        this.transA = transA;
        this.transB = transB;
    }

    @Override
    protected INDArray forward(Tensor... in) {
        long[] a = in[0].shape();
        long[] b = in[1].shape();
        check(a, b, in[0], in[1]);
        save(in[0], in[1]);
        if (in[0].numel() == 0 || in[1].numel() == 0) { // an empty batch, or k = 0: BLAS takes no empty operands
            long[] out = Arrays.copyOf(a, a.length);
            out[a.length - 2] = transA ? a[a.length - 1] : a[a.length - 2];
            out[a.length - 1] = transB ? b[b.length - 2] : b[b.length - 1];
            return org.nd4j.linalg.factory.Nd4j.zeros(in[0].data().dataType(), out);
        }
        return kernels().matmul(in[0].data(), transA, in[1].data(), transB);
    }

    private void check(long[] a, long[] b, Tensor ta, Tensor tb) {
        if (ta.dtype() != tb.dtype()) {
            throw new IllegalArgumentException("matmul: dtypes differ: " + ta.dtype() + " and " + tb.dtype());
        }
        if ((transA || transB) && (a.length != 2 || b.length != 2)) {
            throw new IllegalArgumentException("matmul: transposed operands need 2-D inputs, got " + Shapes.str(a) + " and " + Shapes.str(b));
        }
        boolean ranksOk = a.length >= 2 && (b.length == 2 || b.length == a.length);
        boolean batchOk = b.length == 2 || Arrays.equals(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
        long ka = ranksOk ? (transA ? a[a.length - 2] : a[a.length - 1]) : -1;
        long kb = ranksOk ? (transB ? b[b.length - 1] : b[b.length - 2]) : -2;
        if (!ranksOk || !batchOk || ka != kb) {
            throw new IllegalArgumentException("matmul: cannot multiply " + Shapes.str(a) + (transA ? "^T" : "") + " by " + Shapes.str(b)
                    + (transB ? "^T" : "") + " (need [..., m, k] @ [k, n] or [..., m, k] @ [..., k, n] with equal batch dims and matching k)");
        }
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        if (a.dim() == 2) {
            return new Tensor[] {
                needsInputGrad(0) ? (transA ? mm(b, transB, gy, true) : mm(gy, false, b, !transB)) : null,
                needsInputGrad(1) ? (transB ? mm(gy, true, a, transA) : mm(a, !transA, gy, false)) : null
            };
        }
        Tensor ga = needsInputGrad(0) ? gy.matmul(b.transpose(-2, -1)) : null;
        Tensor gb = null;
        if (needsInputGrad(1)) {
            if (b.dim() == 2) {
                long k = a.size(-1);
                long n = b.size(-1);
                gb = mm(a.reshape(-1, k), true, gy.reshape(-1, n), false);
            } else {
                gb = a.transpose(-2, -1).matmul(gy);
            }
        }
        return new Tensor[] {ga, gb};
    }

    private static Tensor mm(Tensor x, boolean tx, Tensor y, boolean ty) {
        return new MatMul(tx, ty).apply(x, y);
    }

    @Override
    public String args() {
        return transA || transB ? (transA ? "a^T" : "a") + " @ " + (transB ? "b^T" : "b") : "";
    }

    @Override
    public String[] inputNames() {
        return new String[] {"a", "b"};
    }

    @Override
    public String gradientFormula(int i) {
        if (!transA && !transB) {
            return i == 0 ? "gy @ b^T" : "a^T @ gy";
        }
        if (!transA) {
            return i == 0 ? "gy @ b" : "gy^T @ a";
        }
        return i == 0 ? "b @ gy^T" : "a @ gy";
    }
}
