package dev.adjoint.layers;

import dev.adjoint.Tensor;
import java.util.Arrays;

/**
 * What the four convolution layers share: the arguments, the weight and bias, and PyTorch's
 * default initialisation (Kaiming-uniform with {@code a = sqrt(5)}, bias {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}).
 */
abstract class ConvBase extends Module {
    final int inChannels;
    final int outChannels;
    final int[] kernel;
    final int[] stride;
    final int[] padding;
    final int[] outputPadding;
    final int[] dilation;
    final int groups;
    public final Parameter weight;
    public final Parameter bias;

    ConvBase(boolean transposed, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] outputPadding,
             int[] dilation, int groups, boolean bias) {
        String name = getClass().getSimpleName();
        if (inChannels <= 0 || outChannels <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": channels " + inChannels + " -> " + outChannels + " must be positive and divisible by groups="
                    + groups);
        }
        for (int k : kernel) {
            if (k <= 0) {
                throw new IllegalArgumentException(name + ": kernel size should be greater than zero, got " + Arrays.toString(kernel));
            }
        }
        dev.adjoint.ops.conv.ConvGeometry.checkLayerArguments(name, kernel.length, stride, padding, outputPadding, dilation);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.outputPadding = outputPadding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        long[] shape = new long[kernel.length + 2];
        shape[0] = transposed ? inChannels : outChannels;
        shape[1] = transposed ? outChannels / groups : inChannels / groups;
        for (int i = 0; i < kernel.length; i++) {
            shape[2 + i] = kernel[i];
        }
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(shape).data()));
        Init.kaimingUniform(weight, Math.sqrt(5));
        if (bias) {
            this.bias = registerParameter("bias", new Parameter(Tensor.zeros(outChannels).data()));
            double bound = 1 / Math.sqrt(Init.fans(shape)[0]);
            Init.uniform(this.bias, -bound, bound);
        } else {
            this.bias = null;
        }
    }

    static int[] same(int v, int dims) {
        int[] a = new int[dims];
        Arrays.fill(a, v);
        return a;
    }

    @Override
    protected String describe() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(inChannels).append(", ").append(outChannels)
                .append(", kernel=").append(Arrays.toString(kernel));
        if (Arrays.stream(stride).anyMatch(s -> s != 1)) {
            sb.append(", stride=").append(Arrays.toString(stride));
        }
        if (Arrays.stream(padding).anyMatch(s -> s != 0)) {
            sb.append(", padding=").append(Arrays.toString(padding));
        }
        if (Arrays.stream(outputPadding).anyMatch(s -> s != 0)) {
            sb.append(", outputPadding=").append(Arrays.toString(outputPadding));
        }
        if (Arrays.stream(dilation).anyMatch(s -> s != 1)) {
            sb.append(", dilation=").append(Arrays.toString(dilation));
        }
        if (groups != 1) {
            sb.append(", groups=").append(groups);
        }
        if (bias == null) {
            sb.append(", bias=false");
        }
        return sb.append(')').toString();
    }
}
