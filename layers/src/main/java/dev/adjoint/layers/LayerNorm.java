package dev.adjoint.layers;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Layer normalisation over the last dimensions, as {@code nn.LayerNorm(normalized_shape)}: each
 * sample's trailing {@code normalizedShape} is normalised by its mean and biased variance, then
 * scaled and shifted elementwise (weight and bias shaped like {@code normalizedShape}).
 */
public final class LayerNorm extends Module {
    private final long[] normalizedShape;
    private final double eps;
    public final Parameter weight;
    public final Parameter bias;

    public LayerNorm(long... normalizedShape) {
        this(1e-5, normalizedShape);
    }

    /**
     * PyTorch's order: {@code nn.LayerNorm(normalized_shape, eps)}. (No {@code (int, double)} form:
     * {@code new LayerNorm(8, 16)} must keep meaning the shape {@code [8, 16]}.)
     */
    public LayerNorm(long[] normalizedShape, double eps) {
        this(eps, normalizedShape);
    }

    public LayerNorm(double eps, long... normalizedShape) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: give the normalized shape");
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = registerParameter("weight", new Parameter(Tensor.ones(normalizedShape).data()));
        this.bias = registerParameter("bias", new Parameter(Tensor.zeros(normalizedShape).data()));
    }

    @Override
    public Tensor forward(Tensor x) {
        long[] s = x.shape();
        int k = normalizedShape.length;
        if (s.length < k || !java.util.Arrays.equals(java.util.Arrays.copyOfRange(s, s.length - k, s.length), normalizedShape)) {
            throw new IllegalArgumentException("LayerNorm: input " + Shapes.str(s) + " does not end with " + Shapes.str(normalizedShape));
        }
        return F.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    @Override
    protected String describe() {
        return "LayerNorm(" + Shapes.str(normalizedShape) + ", eps=" + eps + ")";
    }
}
