package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/** {@code y = x W^T + b}, weight {@code [out, in]}, PyTorch's default initialisation. */
public final class Linear extends Module {
    private final int in;
    private final int out;
    public final Parameter weight;
    public final Parameter bias;

    public Linear(int in, int out) {
        this(in, out, true);
    }

    public Linear(int in, int out, boolean bias) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: in and out features must be positive, got " + in + ", " + out);
        }
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(out, in).data()));
        Init.kaimingUniform(weight, Math.sqrt(5));
        this.bias = bias ? registerParameter("bias", new Parameter(Tensor.zeros(out).data())) : null;
        if (bias) {
            double bound = 1 / Math.sqrt(in);
            Init.uniform(this.bias, -bound, bound);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }

    @Override
    protected String describe() {
        return "Linear(" + in + ", " + out + (bias == null ? ", bias=false" : "") + ")";
    }
}
