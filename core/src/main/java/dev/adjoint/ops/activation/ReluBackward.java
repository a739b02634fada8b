package dev.adjoint.ops.activation;

import dev.adjoint.Arena;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.Host;
import dev.adjoint.ops.TwoCores;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReLU's backward as a function of its own, as PyTorch's {@code threshold_backward}: inputs gy and
 * the ReLU's output y, result {@code gy} where {@code y > 0}, 0 elsewhere: a step mask times gy,
 * a branch-free Java loop for dense float32 (large arrays: half on each core, {@link TwoCores}),
 * two ND4J loops otherwise.
 *
 * <p>Backward (for second derivatives): linear in gy with the same mask, so
 * {@code ggy = ReluBackward(ggx, y)}; y gets no gradient (ReLU's second derivative is 0 almost everywhere).
 */
public final class ReluBackward extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        save(in[1]);
        INDArray gy = in[0].data();
        INDArray y = in[1].data();
        dev.adjoint.ops.Broadcast.checkSame("reluBackward", "gy", in[0], "y", in[1]);
        INDArray out = Arena.allocate(y.dataType(), y.shape());
        FloatBuffer gyv = Host.floatView(gy);
        FloatBuffer yv = Host.floatView(y);
        FloatBuffer outv = Host.floatView(out);
        if (gyv != null && yv != null && outv != null) {
            int n = (int) y.length();
            int halves = n <= Host.SMALL ? 1 : 2; // small: not worth the second core
            TwoCores.split(halves, (from, to, part) -> {
                int lo = (int) ((long) n * from / halves);
                int hi = (int) ((long) n * to / halves);
                maskRange(gyv.duplicate(), yv.duplicate(), outv.duplicate(), lo, hi);
            });
            return out;
        }
        Nd4j.getExecutioner().exec(new Step(y, out)); // 1 where y > 0
        return out.muli(gy);
    }

    /**
     * {@code out[i] = gy[i] * step(y[i])} for i in [lo, hi), with the step as {@code min(max(y * 2^200,
     * 0), 1)}: 1 for every positive float (even the smallest subnormal), 0 for zero and below. C2
     * vectorizes min and max, where {@code y > 0 ? gy : 0} compiles to a branch that mispredicts on
     * every other element of a conv layer's activations (10x slower). It differs from {@code y > 0 ? gy : 0}
     * only where a step is already broken: a NaN y gives NaN, and so does an infinite or NaN gy where
     * y is 0 (0 times infinity; ND4J's step-times-gy for float64 does the same).
     */
    private static void maskRange(FloatBuffer gy, FloatBuffer y, FloatBuffer out, int lo, int hi) {
        int len = hi - lo;
        float[] g = Host.floatScratch("reluBackward.gy", len);
        float[] v = Host.floatScratch("reluBackward.y", len);
        gy.get(lo, g, 0, len);
        y.get(lo, v, 0, len);
        for (int i = 0; i < len; i++) {
            g[i] *= Math.min(Math.max(v[i] * 0x1p100f * 0x1p100f, 0f), 1f);
        }
        out.put(lo, g, 0, len);
    }

    @Override
    protected Tensor[] backward(Tensor ggx) {
        return new Tensor[] {new ReluBackward().apply(ggx, saved(0)), null};
    }

    @Override
    public String[] inputNames() {
        return new String[] {"gy", "y"};
    }

    @Override
    public String gradientFormula(int i) {
        return i == 0 ? "reluBackward(ggx, y)" : "0";
    }
}
