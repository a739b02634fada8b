package dev.adjoint.ops.conv;

import java.util.Arrays;
import java.util.Random;

/** A random valid conv configuration (1-D or 2-D) for property tests. */
record RandomConv(int sd, int n, int cin, int cout, int groups, int[] kernel, int[] stride, int[] padding, int[] dilation,
                  int[] size, int[] outputPadding) {

    static RandomConv draw(Random r) {
        while (true) {
            int sd = 1 + r.nextInt(2);
            int groups = 1 + r.nextInt(3);
            int cin = groups * (1 + r.nextInt(2));
            int cout = groups * (1 + r.nextInt(2));
            int[] k = new int[sd];
            int[] s = new int[sd];
            int[] p = new int[sd];
            int[] d = new int[sd];
            int[] size = new int[sd];
            int[] op = new int[sd];
            for (int i = 0; i < sd; i++) {
                k[i] = 1 + r.nextInt(3);
                s[i] = 1 + r.nextInt(3);
                p[i] = r.nextInt(3);
                d[i] = 1 + r.nextInt(2);
                size[i] = 1 + r.nextInt(7);
                op[i] = r.nextInt(Math.max(s[i], d[i]));
            }
            RandomConv c = new RandomConv(sd, 1 + r.nextInt(2), cin, cout, groups, k, s, p, d, size, op);
            if (c.valid()) {
                return c;
            }
        }
    }

    private boolean valid() {
        try {
            ConvGeometry.conv(name(false), xShape(), convWeightShape(), null, stride, padding, dilation, groups);
            ConvGeometry.convTranspose(name(true), xShape(), transposeWeightShape(), null, stride, padding, outputPadding, dilation, groups);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    String name(boolean transposed) {
        return (transposed ? "convTranspose" : "conv") + sd + "d";
    }

    long[] xShape() {
        long[] s = new long[sd + 2];
        s[0] = n;
        s[1] = cin;
        for (int i = 0; i < sd; i++) {
            s[2 + i] = size[i];
        }
        return s;
    }

    long[] convWeightShape() {
        long[] s = new long[sd + 2];
        s[0] = cout;
        s[1] = cin / groups;
        for (int i = 0; i < sd; i++) {
            s[2 + i] = kernel[i];
        }
        return s;
    }

    long[] transposeWeightShape() {
        long[] s = new long[sd + 2];
        s[0] = cin;
        s[1] = cout / groups;
        for (int i = 0; i < sd; i++) {
            s[2 + i] = kernel[i];
        }
        return s;
    }

    /** The output padding that makes convTranspose(conv(x)) come back to x's size. */
    int[] restoringOutputPadding() {
        int[] op = new int[sd];
        for (int i = 0; i < sd; i++) {
            op[i] = (size[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) % stride[i];
        }
        return op;
    }

    @Override
    public String toString() {
        return sd + "-D n=" + n + " " + cin + "->" + cout + " groups=" + groups + " kernel=" + Arrays.toString(kernel) + " stride="
                + Arrays.toString(stride) + " padding=" + Arrays.toString(padding) + " dilation=" + Arrays.toString(dilation) + " size="
                + Arrays.toString(size) + " outputPadding=" + Arrays.toString(outputPadding);
    }
}
