package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import java.util.Arrays;

/** 2-D average pooling; the stride defaults to the kernel size. */
public final class AvgPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean countIncludePad;

    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        dev.adjoint.ops.pool.PoolGeometry.checkWindow("AvgPool2d", kernel, stride, padding);
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.countIncludePad = countIncludePad;
    }

    public AvgPool2d(int kernel) {
        this(new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[] {0, 0}, true);
    }

    /** As {@code nn.AvgPool2d(kernel, stride)}. */
    public AvgPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /** As {@code nn.AvgPool2d(kernel, stride, padding)} (padding counted in the average, PyTorch's default). */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.avgPool2d(x, kernel, stride, padding, countIncludePad);
    }

    @Override
    protected String describe() {
        return "AvgPool2d(kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding)
                + (countIncludePad ? "" : ", countIncludePad=false") + ")";
    }
}
