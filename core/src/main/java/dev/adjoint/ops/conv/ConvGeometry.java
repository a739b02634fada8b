package dev.adjoint.ops.conv;

import dev.adjoint.Shapes;
import dev.adjoint.autograd.Interner;
import dev.adjoint.kernels.ConvParams;
import java.util.Arrays;
import java.util.Objects;

/**
 * Sizes and arguments of one convolution or transposed convolution, 1-D or 2-D, validated.
 *
 * <p>This is the one place that computes output sizes and rejects bad arguments, before any
 * computation, with an {@link IllegalArgumentException} that names the op, the argument, its value
 * and the shapes. Output size of the convolution, per spatial dim:
 * {@code (in + 2p - d(k-1) - 1) / s + 1}; of the transposed convolution:
 * {@code (in - 1) s - 2p + d(k-1) + outputPadding + 1}.
 */
public final class ConvGeometry {
    /**
     * Equal geometries are one object (at most 1,024 of them): every recorded convolution keeps its
     * geometry, and a loop's kept graphs (losses in a list) then share a few instead of holding a
     * copy per call. The arrays below are therefore shared and read only.
     */
    private static final Interner<ConvGeometry> SHARED = new Interner<>(1024);

    /** The op's name as the user called it ("conv2d", "convTranspose1d", ...), for messages. */
    public final String op;
    public final boolean transposed;
    /** 1 or 2. */
    public final int spatialDims;
    public final int[] stride;
    public final int[] padding;
    public final int[] dilation;
    /** All zeros for a plain convolution. */
    public final int[] outputPadding;
    public final int groups;
    public final long batch;
    public final long inChannels;
    public final long outChannels;
    public final long[] inputSize;
    public final long[] kernelSize;
    public final long[] outputSize;

    private ConvGeometry(String op, boolean transposed, int spatialDims, int[] stride, int[] padding, int[] dilation,
                         int[] outputPadding, int groups, long batch, long inChannels, long outChannels,
                         long[] inputSize, long[] kernelSize, long[] outputSize) {
        this.op = op;
        this.transposed = transposed;
        this.spatialDims = spatialDims;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.outputPadding = outputPadding;
        this.groups = groups;
        this.batch = batch;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.inputSize = inputSize;
        this.kernelSize = kernelSize;
        this.outputSize = outputSize;
        checkFits();
    }

    /** The largest array the kernels make: ND4J's and Java's arrays count elements in {@code int}. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * Rejects geometry whose output, or whose per-sample column matrix (the unfolded input), would
     * hold more elements than one array can: a clear error instead of a NegativeArraySizeException
     * or an OutOfMemoryError deep in a kernel.
     */
    private void checkFits() {
        long output = batch * outChannels;
        long columns = (transposed ? outChannels : inChannels) / groups;
        for (int i = 0; i < spatialDims; i++) {
            output = saturatingMultiply(output, outputSize[i]);
            columns = saturatingMultiply(columns, saturatingMultiply(kernelSize[i], transposed ? inputSize[i] : outputSize[i]));
        }
        if (output > MAX_ELEMENTS || columns > MAX_ELEMENTS) {
            throw new IllegalArgumentException(op + ": the output " + Shapes.str(outputShape()) + " (stride " + Arrays.toString(stride) + ", padding "
                    + Arrays.toString(padding) + ", dilation " + Arrays.toString(dilation) + ", kernel " + Shapes.str(kernelSize)
                    + ") or its unfolded input would hold more than " + MAX_ELEMENTS + " values, more than one array can");
        }
    }

    private static long saturatingMultiply(long a, long b) {
        long r = a * b;
        return (a != 0 && (r / a != b || r < 0)) ? Long.MAX_VALUE : r;
    }

    /**
     * Checks the arguments a conv layer is made with, before any input is seen (PyTorch checks
     * them at the first forward, with these words): entries per spatial dim, stride and dilation
     * positive, padding and outputPadding non-negative, outputPadding smaller than stride or dilation.
     */
    public static void checkLayerArguments(String op, int sd, int[] stride, int[] padding, int[] outputPadding, int[] dilation) {
        checkLength(op, "stride", stride, sd);
        checkLength(op, "padding", padding, sd);
        checkLength(op, "outputPadding", outputPadding, sd);
        checkLength(op, "dilation", dilation, sd);
        for (int i = 0; i < sd; i++) {
            if (stride[i] <= 0) {
                throw new IllegalArgumentException(op + ": non-positive stride is not supported, got stride " + Arrays.toString(stride));
            }
            if (padding[i] < 0) {
                throw new IllegalArgumentException(op + ": negative padding is not supported, got padding " + Arrays.toString(padding));
            }
            if (dilation[i] <= 0) {
                throw new IllegalArgumentException(op + ": dilation should be greater than zero, got dilation " + Arrays.toString(dilation));
            }
            if (outputPadding[i] < 0 || (outputPadding[i] > 0 && outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i])) {
                throw new IllegalArgumentException(op + ": outputPadding " + Arrays.toString(outputPadding)
                        + " must be non-negative and smaller than either stride " + Arrays.toString(stride) + " or dilation " + Arrays.toString(dilation));
            }
        }
    }

    /**
     * Geometry of {@code conv{1,2}d(x, w, b)} with PyTorch's weight layout {@code [C_out, C_in/groups, k...]}.
     *
     * @param bias the bias shape, or null when there is no bias
     */
    public static ConvGeometry conv(String op, long[] x, long[] w, long[] bias, int[] stride, int[] padding, int[] dilation, int groups) {
        int sd = spatialDims(op, x, w);
        checkArgs(op, sd, x, w, stride, padding, dilation, groups);
        long cIn = x[1];
        long cOut = w[0];
        if (cIn % groups != 0) {
            throw new IllegalArgumentException(op + ": groups=" + groups + " does not divide the " + cIn + " input channels of x "
                    + Shapes.str(x));
        }
        if (cOut % groups != 0) {
            throw new IllegalArgumentException(op + ": groups=" + groups + " does not divide the " + cOut + " output channels of weight w "
                    + Shapes.str(w));
        }
        if (w[1] * groups != cIn) {
            throw new IllegalArgumentException(op + ": input channels: weight w " + Shapes.str(w) + " with groups=" + groups + " expects "
                    + (w[1] * groups) + " input channels, but x " + Shapes.str(x) + " has " + cIn);
        }
        checkBias(op, bias, cOut);
        long[] in = Arrays.copyOfRange(x, 2, x.length);
        long[] k = Arrays.copyOfRange(w, 2, w.length);
        long[] out = new long[sd];
        for (int i = 0; i < sd; i++) {
            long padded = in[i] + 2L * padding[i];
            long span = (long) dilation[i] * (k[i] - 1) + 1;
            if (span > padded) {
                throw new IllegalArgumentException(op + ": kernel size: the dilated kernel " + Shapes.str(k) + " (dilation "
                        + Arrays.toString(dilation) + ", spans " + span + " in dim " + i + ") is larger than the padded input "
                        + padded + " (x " + Shapes.str(x) + ", padding " + Arrays.toString(padding) + ")");
            }
            out[i] = (padded - span) / stride[i] + 1;
        }
        return SHARED.intern(new ConvGeometry(op, false, sd, stride.clone(), padding.clone(), dilation.clone(), new int[sd], groups,
                x[0], cIn, cOut, in, k, out));
    }

    /**
     * Geometry of {@code convTranspose{1,2}d(x, w, b)} with PyTorch's weight layout
     * {@code [C_in, C_out/groups, k...]}. Output padding must be smaller than the stride or the
     * dilation (as in PyTorch).
     */
    public static ConvGeometry convTranspose(String op, long[] x, long[] w, long[] bias, int[] stride, int[] padding, int[] outputPadding,
                                             int[] dilation, int groups) {
        ConvGeometry g = convTransposeUnchecked(op, x, w, bias, stride, padding, outputPadding, dilation, groups);
        for (int i = 0; i < g.spatialDims; i++) {
            if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
                throw new IllegalArgumentException(op + ": outputPadding " + Arrays.toString(outputPadding) + " must be smaller than stride "
                        + Arrays.toString(stride) + " or dilation " + Arrays.toString(dilation) + " (dim " + i + "); x " + Shapes.str(x)
                        + ", w " + Shapes.str(w));
            }
        }
        return g;
    }

    /**
     * Like {@link #convTranspose} but without the outputPadding &lt; stride rule: used by the
     * backward passes, whose output padding is computed (to restore an exact input size) rather
     * than chosen by a user.
     */
    static ConvGeometry convTransposeUnchecked(String op, long[] x, long[] w, long[] bias, int[] stride, int[] padding, int[] outputPadding,
                                               int[] dilation, int groups) {
        int sd = spatialDims(op, x, w);
        checkArgs(op, sd, x, w, stride, padding, dilation, groups);
        if (outputPadding == null || outputPadding.length != sd) {
            throw new IllegalArgumentException(op + ": outputPadding " + Arrays.toString(outputPadding) + " must have " + sd + " entries");
        }
        for (int i = 0; i < sd; i++) {
            if (outputPadding[i] < 0) {
                throw new IllegalArgumentException(op + ": outputPadding " + Arrays.toString(outputPadding) + " must not be negative");
            }
        }
        long cIn = x[1];
        if (w[0] != cIn) {
            throw new IllegalArgumentException(op + ": input channels: weight w " + Shapes.str(w) + " (layout [C_in, C_out/groups, k...]) expects "
                    + w[0] + " input channels, but x " + Shapes.str(x) + " has " + cIn);
        }
        if (cIn % groups != 0) {
            throw new IllegalArgumentException(op + ": groups=" + groups + " does not divide the " + cIn + " input channels of x " + Shapes.str(x));
        }
        long cOut = w[1] * groups;
        checkBias(op, bias, cOut);
        long[] in = Arrays.copyOfRange(x, 2, x.length);
        long[] k = Arrays.copyOfRange(w, 2, w.length);
        long[] out = new long[sd];
        for (int i = 0; i < sd; i++) {
            out[i] = (in[i] - 1) * stride[i] - 2L * padding[i] + (long) dilation[i] * (k[i] - 1) + outputPadding[i] + 1;
        }
        for (int i = 0; i < sd; i++) {
            if (out[i] <= 0) {
                throw new IllegalArgumentException(op + ": padding " + Arrays.toString(padding) + " is too large: the output size would be "
                        + Shapes.str(out) + " for x " + Shapes.str(x) + ", w " + Shapes.str(w) + ", stride " + Arrays.toString(stride)
                        + ", dilation " + Arrays.toString(dilation) + ", outputPadding " + Arrays.toString(outputPadding));
            }
        }
        return SHARED.intern(new ConvGeometry(op, true, sd, stride.clone(), padding.clone(), dilation.clone(), outputPadding.clone(), groups,
                x[0], cIn, cOut, in, k, out));
    }

    /**
     * Rejects an input whose rank is not that of a {@code spatialDims}-D convolution ({@code [N, C, L]}
     * or {@code [N, C, H, W]}): the user-facing ops call it first, so conv2d on a 3-D input is an
     * error rather than a 1-D convolution.
     */
    public static void checkInputRank(String op, long[] x, int spatialDims) {
        if (x.length != spatialDims + 2) {
            throw new IllegalArgumentException(op + ": input x must be " + (spatialDims + 2) + "-D " + layout(spatialDims) + ", got "
                    + Shapes.str(x));
        }
    }

    private static String layout(int spatialDims) {
        return spatialDims == 1 ? "[N, C, L]" : "[N, C, H, W]";
    }

    /** The number of spatial dims, from x's rank: 3-D x is a 1-D convolution, 4-D a 2-D one. */
    private static int spatialDims(String op, long[] x, long[] w) {
        if (x.length != 3 && x.length != 4) {
            throw new IllegalArgumentException(op + ": input x must be 3-D [N, C, L] or 4-D [N, C, H, W], got " + Shapes.str(x));
        }
        int sd = x.length - 2;
        if (w.length != sd + 2) {
            throw new IllegalArgumentException(op + ": weight w must be " + (sd + 2) + "-D, got " + Shapes.str(w));
        }
        for (long d : x) {
            if (d <= 0) {
                throw new IllegalArgumentException(op + ": input x " + Shapes.str(x) + " has an empty dimension");
            }
        }
        for (long d : w) {
            if (d <= 0) {
                throw new IllegalArgumentException(op + ": weight w " + Shapes.str(w) + " has an empty dimension");
            }
        }
        return sd;
    }

    private static void checkArgs(String op, int sd, long[] x, long[] w, int[] stride, int[] padding, int[] dilation, int groups) {
        checkLength(op, "stride", stride, sd);
        checkLength(op, "padding", padding, sd);
        checkLength(op, "dilation", dilation, sd);
        for (int i = 0; i < sd; i++) {
            if (stride[i] <= 0) {
                throw new IllegalArgumentException(op + ": stride " + Arrays.toString(stride) + " must be positive" + shapes(x, w));
            }
            if (dilation[i] <= 0) {
                throw new IllegalArgumentException(op + ": dilation " + Arrays.toString(dilation) + " must be positive" + shapes(x, w));
            }
            if (padding[i] < 0) {
                throw new IllegalArgumentException(op + ": padding " + Arrays.toString(padding) + " must not be negative" + shapes(x, w));
            }
        }
        if (groups <= 0) {
            throw new IllegalArgumentException(op + ": groups=" + groups + " must be positive" + shapes(x, w));
        }
    }

    /** The shapes for an error message, built only when one is thrown (checkArgs runs on every conv call). */
    private static String shapes(long[] x, long[] w) {
        return " (x " + Shapes.str(x) + ", w " + Shapes.str(w) + ")";
    }

    private static void checkLength(String op, String name, int[] v, int sd) {
        if (v == null || v.length != sd) {
            throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(v) + " must have " + sd + " entr" + (sd == 1 ? "y" : "ies"));
        }
    }

    private static void checkBias(String op, long[] bias, long cOut) {
        if (bias != null && (bias.length != 1 || bias[0] != cOut)) {
            throw new IllegalArgumentException(op + ": bias b " + Shapes.str(bias) + " must be [" + cOut + "], one value per output channel");
        }
    }

    /** The arguments as the kernels take them: a 1-D call is a 2-D one of height 1. */
    public ConvParams kernelParams() {
        if (spatialDims == 1) {
            return new ConvParams(1, stride[0], 0, padding[0], 1, dilation[0], 0, outputPadding[0], groups);
        }
        return new ConvParams(stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], outputPadding[0], outputPadding[1],
                groups);
    }

    /**
     * The transposed convolution that is this convolution's adjoint: applied to a gradient gy
     * ({@code gyShape}) with weight w ({@code wShape}), same stride, padding, dilation and groups, and
     * the output padding that makes its spatial size exactly {@code target} (the size of x).
     */
    public ConvGeometry transposedTo(long[] gyShape, long[] wShape, long[] target) {
        int[] op = new int[spatialDims];
        for (int i = 0; i < spatialDims; i++) {
            long natural = (gyShape[2 + i] - 1) * stride[i] - 2L * padding[i] + (long) dilation[i] * (kernelSize[i] - 1) + 1;
            op[i] = Math.toIntExact(target[i] - natural);
        }
        return convTransposeUnchecked(name(true), gyShape, wShape, null, stride, padding, op, dilation, groups);
    }

    /**
     * The convolution with this call's stride, padding, dilation and groups, applied to
     * {@code xShape} with weight {@code wShape}: the adjoint of a transposed convolution, and the
     * correlation behind both weight gradients. Its output may be larger than the size wanted (when
     * output padding exceeded the stride); callers crop it.
     */
    public ConvGeometry asConvolution(long[] xShape, long[] wShape) {
        return conv(name(false), xShape, wShape, null, stride, padding, dilation, groups);
    }

    /** The op's name for this many spatial dims: {@code conv2d}, {@code convTranspose1d}, ... */
    public String name(boolean transposedOp) {
        return (transposedOp ? "convTranspose" : "conv") + spatialDims + "d";
    }

    /** Shape of the output tensor: {@code [N, C_out, out...]}. */
    public long[] outputShape() {
        long[] s = new long[spatialDims + 2];
        s[0] = batch;
        s[1] = outChannels;
        System.arraycopy(outputSize, 0, s, 2, spatialDims);
        return s;
    }

    /** The arguments as a trace prints them. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("stride=").append(Arrays.toString(stride)).append(", padding=").append(Arrays.toString(padding));
        if (transposed) {
            sb.append(", outputPadding=").append(Arrays.toString(outputPadding));
        }
        sb.append(", dilation=").append(Arrays.toString(dilation));
        if (groups != 1) {
            sb.append(", groups=").append(groups);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return op + "(" + describe() + ") " + Shapes.str(inputSize) + " -> " + Shapes.str(outputSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvGeometry g && op.equals(g.op) && transposed == g.transposed && groups == g.groups && batch == g.batch
                && inChannels == g.inChannels && outChannels == g.outChannels && Arrays.equals(stride, g.stride)
                && Arrays.equals(padding, g.padding) && Arrays.equals(dilation, g.dilation) && Arrays.equals(outputPadding, g.outputPadding)
                && Arrays.equals(inputSize, g.inputSize) && Arrays.equals(kernelSize, g.kernelSize) && Arrays.equals(outputSize, g.outputSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, transposed, groups, batch, inChannels, outChannels, Arrays.hashCode(stride), Arrays.hashCode(padding),
                Arrays.hashCode(dilation), Arrays.hashCode(outputPadding), Arrays.hashCode(inputSize), Arrays.hashCode(kernelSize),
                Arrays.hashCode(outputSize));
    }
}
