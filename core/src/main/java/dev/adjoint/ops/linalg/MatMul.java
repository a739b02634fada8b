package dev.adjoint.ops.linalg;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix product {@code a @ b}: 2-D by 2-D, batched (same leading dims), or batched by 2-D (the
 * matrix is shared across the batch). Backward: {@code ga = gy @ b^T}, {@code gb = a^T @ gy}
 * (summed over the batch when {@code b} was shared).
 */
public final class MatMul extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        long[] a = in[0].shape();
        long[] b = in[1].shape();
        check(a, b, in[0], in[1]);
        save(in[0], in[1]);
        INDArray x = in[0].data();
        INDArray y = in[1].data();
        if (a.length == 2) {
            return x.mmul(y);
        }
        if (b.length == 2) {
            long k = a[a.length - 1];
            long[] out = a.clone();
            out[out.length - 1] = b[1];
            return x.reshape('c', Shapes.numel(a) / k, k).mmul(y).reshape('c', out);
        }
        return Nd4j.matmul(x, y);
    }

    private static void check(long[] a, long[] b, Tensor ta, Tensor tb) {
        if (ta.dtype() != tb.dtype()) {
            throw new IllegalArgumentException("matmul: dtypes differ: " + ta.dtype() + " and " + tb.dtype());
        }
        boolean ranksOk = a.length >= 2 && (b.length == 2 || b.length == a.length);
        boolean batchOk = b.length == 2 || Arrays.equals(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
        if (!ranksOk || !batchOk || a[a.length - 1] != b[b.length - 2]) {
            throw new IllegalArgumentException("matmul: cannot multiply " + Shapes.str(a) + " by " + Shapes.str(b)
                    + " (need [..., m, k] @ [k, n] or [..., m, k] @ [..., k, n] with equal batch dims and matching k)");
        }
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        int r = a.dim();
        Tensor ga = needsInputGrad(0) ? gy.matmul(b.transpose(-2, -1)) : null;
        Tensor gb = null;
        if (needsInputGrad(1)) {
            if (b.dim() == 2 && r > 2) {
                long k = a.size(-1);
                long n = b.size(-1);
                gb = a.reshape(-1, k).t().matmul(gy.reshape(-1, n));
            } else {
                gb = a.transpose(-2, -1).matmul(gy);
            }
        }
        return new Tensor[] {ga, gb};
    }

    @Override
    public String[] inputNames() {
        return new String[] {"a", "b"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? "gy @ b^T" : "a^T @ gy";
    }
}
