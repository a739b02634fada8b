package dev.adjoint.layers;

import dev.adjoint.Shapes;
import dev.adjoint.Tensor;

/** Splits dimension {@code dim} into {@code sizes}, as {@code nn.Unflatten(dim, sizes)}: {@code [N, 3136] -> [N, 64, 7, 7]}. */
public final class Unflatten extends Module {
    private final int dim;
    private final long[] sizes;

    public Unflatten(int dim, long... sizes) {
        if (sizes.length == 0) {
            throw new IllegalArgumentException("Unflatten: give at least one size");
        }
        for (long s : sizes) {
            if (s <= 0) {
                throw new IllegalArgumentException("Unflatten: sizes must be positive, got " + Shapes.str(sizes));
            }
        }
        this.dim = dim;
        this.sizes = sizes.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        long[] s = x.shape();
        int d = Shapes.dim("Unflatten", dim, s.length);
        long product = Shapes.numel(sizes);
        if (s[d] != product) {
            throw new IllegalArgumentException("Unflatten: dim " + dim + " of " + Shapes.str(s) + " has " + s[d] + " elements, but sizes "
                    + Shapes.str(sizes) + " hold " + product);
        }
        long[] out = new long[s.length - 1 + sizes.length];
        System.arraycopy(s, 0, out, 0, d);
        System.arraycopy(sizes, 0, out, d, sizes.length);
        System.arraycopy(s, d + 1, out, d + sizes.length, s.length - d - 1);
        return x.reshape(out);
    }

    @Override
    protected String describe() {
        return "Unflatten(dim=" + dim + ", sizes=" + Shapes.str(sizes) + ")";
    }
}
