package dev.adjoint.ops.activation;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.Function;
import dev.adjoint.ops.Host;
import org.nd4j.linalg.api.ndarray.INDArray;
import dev.adjoint.Arena;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;

/** {@code max(x, 0)}. Backward: {@code gy} where {@code x > 0}, 0 elsewhere (one function, {@link ReluBackward}, as PyTorch's threshold_backward). */
public final class Relu extends Function {
    @Override
    protected INDArray forward(Tensor... in) {
        saveOutput();
        INDArray x = in[0].data();
        INDArray y = Arena.allocate(x.dataType(), x.shape());
        java.nio.FloatBuffer out = x.length() <= Host.SMALL && Host.isDense(x) ? Host.floatView(y) : null;
        if (out != null) {
            float[] v = Host.floatsInto(x, Host.floatScratch("relu.x", (int) x.length()));
            for (int i = 0, n = (int) x.length(); i < n; i++) {
                v[i] = Math.max(v[i], 0f);
            }
            out.put(v, 0, (int) x.length());
            return y;
        }
        Nd4j.getExecutioner().exec(new RectifiedLinear(x, y));
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor gy) {
        return new Tensor[] {new ReluBackward().apply(gy, output())};
    }

    @Override
    public String gradientFormula(int i) {
        return "reluBackward(gy, y): gy where y > 0";
    }
}
