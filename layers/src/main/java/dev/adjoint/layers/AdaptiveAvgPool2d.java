package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;

/**
 * Average pooling to a fixed output size, as {@code nn.AdaptiveAvgPool2d}: output cell {@code (i, j)}
 * averages rows {@code floor(i*H/oh)} to {@code ceil((i+1)*H/oh)} and the same for columns, so the
 * windows may overlap when the sizes do not divide. Built from differentiable slices and means.
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int oh;
    private final int ow;

    public AdaptiveAvgPool2d(int oh, int ow) {
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got " + oh + "x" + ow);
        }
        this.oh = oh;
        this.ow = ow;
    }

    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: input must be 4-D [N, C, H, W], got " + java.util.Arrays.toString(x.shape()));
        }
        long h = x.size(2);
        long w = x.size(3);
        if (oh == 1 && ow == 1) {
            return F.mean(x, new int[] {2, 3}, true);
        }
        Tensor[] rows = new Tensor[oh];
        for (int i = 0; i < oh; i++) {
            long y0 = i * h / oh;
            long y1 = ((i + 1) * h + oh - 1) / oh;
            Tensor[] cells = new Tensor[ow];
            for (int j = 0; j < ow; j++) {
                long x0 = j * w / ow;
                long x1 = ((j + 1) * w + ow - 1) / ow;
                Tensor window = F.narrow(F.narrow(x, 2, y0, y1 - y0), 3, x0, x1 - x0);
                cells[j] = F.mean(window, new int[] {2, 3}, true);
            }
            rows[i] = F.concat(3, cells);
        }
        return F.concat(2, rows);
    }

    @Override
    protected String describe() {
        return "AdaptiveAvgPool2d(" + oh + ", " + ow + ")";
    }
}
