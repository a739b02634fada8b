package dev.adjoint.layers;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import java.util.Arrays;

/** 2-D max pooling; the stride defaults to the kernel size. */
public final class MaxPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        dev.adjoint.ops.pool.PoolGeometry.checkWindow("MaxPool2d", kernel, stride, padding);
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
    }

    public MaxPool2d(int kernel) {
        this(new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[] {0, 0});
    }

    /** As {@code nn.MaxPool2d(kernel, stride)}. */
    public MaxPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /** As {@code nn.MaxPool2d(kernel, stride, padding)}. */
    public MaxPool2d(int kernel, int stride, int padding) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding});
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.maxPool2d(x, kernel, stride, padding);
    }

    @Override
    protected String describe() {
        return "MaxPool2d(kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding) + ")";
    }
}
