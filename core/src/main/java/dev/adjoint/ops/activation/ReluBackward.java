package dev.adjoint.ops.activation;

import dev.adjoint.Arena;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.Host;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReLU's backward as a function of its own, as PyTorch's {@code threshold_backward}: inputs gy and
 * the ReLU's output y, result {@code gy} where {@code y > 0}, 0 elsewhere: a step mask times gy,
 * two ND4J loops into one pooled array, or a Java loop for small arrays (up to {@link Host#SMALL}).
 * (For a conv layer's activations a Java loop was 10x slower: with half of them at zero, its
 * branch mispredicts on every other element.)
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
        INDArray mask = Arena.allocate(y.dataType(), y.shape());
        java.nio.FloatBuffer out = y.length() <= Host.SMALL && Host.isDense(y) && Host.isDense(gy) ? Host.floatView(mask) : null;
        if (out != null) {
            // small (after a linear layer): a Java loop beats two ND4J calls despite its branch
            int n = (int) y.length();
            float[] g = Host.floatsInto(gy, Host.floatScratch("reluBackward.gy", n));
            float[] v = Host.floatsInto(y, Host.floatScratch("reluBackward.y", n));
            for (int i = 0; i < n; i++) {
                g[i] = v[i] > 0 ? g[i] : 0f;
            }
            out.put(g, 0, n);
            return mask;
        }
        Nd4j.getExecutioner().exec(new Step(y, mask)); // 1 where y > 0
        return mask.muli(gy);
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
