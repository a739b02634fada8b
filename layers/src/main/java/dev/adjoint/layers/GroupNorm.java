package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Group normalisation, as {@code nn.GroupNorm(groups, channels)}: the channels of each sample are
 * split into groups, each normalised by its own mean and biased variance, then scaled and shifted
 * per channel (weight 1, bias 0 at first).
 */
public final class GroupNorm extends Module {
    private final int groups;
    private final int channels;
    private final double eps;
    public final Parameter weight;
    public final Parameter bias;

    public GroupNorm(int groups, int channels, double eps) {
        if (groups <= 0 || channels <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + groups + " groups must divide " + channels + " channels");
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("GroupNorm: eps must be positive and finite, got " + eps);
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = registerParameter("weight", new Parameter(Tensor.ones(channels).data()));
        this.bias = registerParameter("bias", new Parameter(Tensor.zeros(channels).data()));
    }

    public GroupNorm(int groups, int channels) {
        this(groups, channels, 1e-5);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() < 2 || x.size(1) != channels) {
            throw new IllegalArgumentException("GroupNorm: input must be [N, " + channels + ", ...], got " + java.util.Arrays.toString(x.shape()));
        }
        return F.groupNorm(x, groups, weight, bias, eps);
    }

    @Override
    protected String describe() {
        return "GroupNorm(" + groups + ", " + channels + ", eps=" + eps + ")";
    }
}
