package dev.adjoint.ops.conv;

import dev.adjoint.Tensor;
import dev.adjoint.ops.F;
import dev.adjoint.ops.shape.Flip;

/**
 * The transposed convolution computed the textbook way, one visible step at a time. It gives the
 * same values as the fast {@link ConvTransposeNd} (tests check it to 1e-12 in float64) but spends
 * most multiplications on inserted zeros; it exists to be read and stepped through.
 *
 * <ol>
 *   <li>insert {@code stride - 1} zeros between neighbouring input elements;</li>
 *   <li>pad each side by {@code dilation * (k - 1) - padding} (negative: crop), plus
 *       {@code outputPadding} more at the far end;</li>
 *   <li>flip the kernel in space and swap its in/out channel axes
 *       ({@code [C_in, C_out/g, k..] -> [C_out, C_in/g, k..]});</li>
 *   <li>convolve with stride 1 and the same dilation and groups, then add the bias.</li>
 * </ol>
 * Every step is a differentiable op, so gradients flow through this form too.
 */
public final class ConvTransposeExplained {
    private ConvTransposeExplained() {
    }

    /** The intermediate tensors of one call, for printing (the tour shows them). */
    public record Steps(Tensor input, Tensor zeroInserted, Tensor padded, Tensor flippedKernel, Tensor output) {
    }

    /** Runs the four steps and returns every intermediate. Arguments as {@code F.convTranspose2d}. */
    public static Steps steps(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] outputPadding, int[] dilation, int groups) {
        int sd = x.dim() - 2;
        String op = "convTranspose" + sd + "dExplained";
        ConvGeometry.checkInputRank(op, x.shape(), stride.length);
        ConvGeometry g = ConvGeometry.convTranspose(op, x.shape(), w.shape(), b == null ? null : b.shape(), stride, padding, outputPadding,
                dilation, groups);
        Tensor z = zeroInsert(x, stride);
        long[] before = new long[x.dim()];
        long[] after = new long[x.dim()];
        for (int i = 0; i < sd; i++) {
            long q = (long) dilation[i] * (g.kernelSize[i] - 1) - padding[i];
            before[2 + i] = q;
            after[2 + i] = q + outputPadding[i];
        }
        Tensor padded = F.pad(z, before, after, 0);
        Tensor wf = flipKernel(w, groups);
        int[] ones = new int[sd];
        int[] zeros = new int[sd];
        java.util.Arrays.fill(ones, 1);
        Tensor y = sd == 1
                ? F.conv1d(padded, wf, b, ones, zeros, dilation, groups)
                : F.conv2d(padded, wf, b, ones, zeros, dilation, groups);
        return new Steps(x, z, padded, wf, y);
    }

    /** The transposed convolution by the explained steps. */
    public static Tensor compute(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] outputPadding, int[] dilation, int groups) {
        return steps(x, w, b, stride, padding, outputPadding, dilation, groups).output();
    }

    /**
     * Step 1: {@code stride - 1} zeros between neighbours in every spatial dim, so length L
     * becomes {@code (L - 1) * stride + 1}. Built from differentiable ops: a new size-1 axis after
     * each spatial axis is padded to {@code stride}, merged, and the trailing zeros cut off.
     */
    public static Tensor zeroInsert(Tensor x, int[] stride) {
        int sd = x.dim() - 2;
        long[] s = x.shape();
        long[] split = new long[2 + 2 * sd];
        split[0] = s[0];
        split[1] = s[1];
        for (int i = 0; i < sd; i++) {
            split[2 + 2 * i] = s[2 + i];
            split[3 + 2 * i] = 1;
        }
        long[] before = new long[split.length];
        long[] after = new long[split.length];
        long[] merged = s.clone();
        for (int i = 0; i < sd; i++) {
            after[3 + 2 * i] = stride[i] - 1;
            merged[2 + i] = s[2 + i] * stride[i];
        }
        Tensor t = F.pad(F.reshape(x, split), before, after, 0);
        t = F.reshape(t, merged);
        for (int i = 0; i < sd; i++) {
            t = F.narrow(t, 2 + i, 0, (s[2 + i] - 1) * stride[i] + 1);
        }
        return t;
    }

    /** Step 3: {@code [C_in, C_out/g, k..]} to the conv layout {@code [C_out, C_in/g, k..]}, kernel flipped in space. */
    public static Tensor flipKernel(Tensor w, int groups) {
        long[] s = w.shape();
        int sd = s.length - 2;
        long cin = s[0];
        long coutG = s[1];
        long[] grouped = new long[s.length + 1];
        grouped[0] = groups;
        grouped[1] = cin / groups;
        grouped[2] = coutG;
        System.arraycopy(s, 2, grouped, 3, sd);
        int[] perm = new int[grouped.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[1] = 2;
        perm[2] = 1;
        long[] convLayout = s.clone();
        convLayout[0] = coutG * groups;
        convLayout[1] = cin / groups;
        Tensor swapped = F.reshape(F.permute(F.reshape(w, grouped), perm), convLayout);
        int[] spatial = sd == 1 ? new int[] {2} : new int[] {2, 3};
        return new Flip(spatial).apply(swapped);
    }
}
