package dev.adjoint.examples;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.Autograd;
import dev.adjoint.autograd.Graphs;
import dev.adjoint.autograd.LinearOperators;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.Flatten;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Linear;
import dev.adjoint.layers.MaxPool2d;
import dev.adjoint.layers.ReLU;
import dev.adjoint.layers.Sequential;
import dev.adjoint.ops.F;
import dev.adjoint.ops.conv.ConvTransposeExplained;
import dev.adjoint.optim.SGD;
import java.util.Arrays;

/**
 * A guided tour of why a transposed convolution is a convolution's gradient. Every number shown
 * is computed live, and every claim is checked; the program exits with status 1 if any check fails.
 */
public final class Tour {
    private static int failures;

    private Tour() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: java -jar examples/target/adjoint-examples.jar tour");
            System.out.println("Prints a step-by-step tour of the conv / transposed-conv pair; every step is computed and checked.");
            System.out.println("  --step   only part 5: one training step of a tiny CNN with the backward trace (docs/debug-demo.sh uses it)");
            return;
        }
        if (args.length > 1 || (args.length == 1 && !args[0].equals("--step"))) {
            throw new Options.Invalid("tour: unknown option '" + String.join(" ", args) + "' (the tour takes only --step; see --help)");
        }
        if (args.length > 0 && args[0].equals("--step")) {
            oneTrainingStep();
            System.exit(failures > 0 ? 1 : 0);
        }
        run();
        System.out.println();
        if (failures > 0) {
            System.out.println("TOUR FAILED: " + failures + " check(s) did not hold");
            System.exit(1);
        }
        System.out.println("All checks held.");
    }

    /** Runs every part of the tour; returns how many checks failed. */
    static int run() {
        failures = 0;
        matrixAndTranspose();
        kernelOneOneThree();
        explainedSteps();
        nineByNine();
        oneTrainingStep();
        return failures;
    }

    // ------------------------------------------------------------------ 1

    static void matrixAndTranspose() {
        heading("1. A convolution is a matrix A; its transposed convolution is A^T");
        double a1 = 2;
        double a2 = 3;
        Tensor w = t(new double[] {a1, a2}, 1, 1, 2);
        System.out.println("Signal of length 6, filter (a1, a2) = (2, 3), stride 2: output length 3.");
        double[][] a = LinearOperators.matrix(x -> F.conv1d(x, w, null, 2, 0), 1, 1, 6);
        System.out.println("A, built by applying conv1d to each unit vector (column j = conv1d(e_j)):");
        printMatrix(a, a1, a2);
        double[][] at = LinearOperators.matrix(y -> F.convTranspose1d(y, w, null, 2, 0, 0), 1, 1, 3);
        System.out.println("The matrix of convTranspose1d with the same filter and stride (6 x 3):");
        printMatrix(at, a1, a2);
        check("matrix of convTranspose1d == A^T", Arrays.deepEquals(at, LinearOperators.transpose(a)));
        Tensor x = t(new double[] {1, 2, 3, 4, 5, 6}, 1, 1, 6);
        Tensor y = F.conv1d(x, w, null, 2, 0);
        System.out.println("x = " + vec(x) + "  ->  conv1d(x) = " + vec(y) + "  (= A x: " + Arrays.toString(mul(a, x.toDoubleArray())) + ")");
        check("conv1d(x) == A x", Arrays.equals(y.toDoubleArray(), mul(a, x.toDoubleArray())));
        Tensor g = t(new double[] {1, -1, 2}, 1, 1, 3);
        Tensor back = F.convTranspose1d(g, w, null, 2, 0, 0);
        System.out.println("g = " + vec(g) + "  ->  convTranspose1d(g) = " + vec(back) + "  (= A^T g)");
        check("convTranspose1d(g) == A^T g", Arrays.equals(back.toDoubleArray(), mul(LinearOperators.transpose(a), g.toDoubleArray())));
        LinearOperators.AdjointCheck c = LinearOperators.checkAdjoint(v -> F.conv1d(v, w, null, 2, 0),
                v -> F.convTranspose1d(v, w, null, 2, 0, 0), new long[] {1, 1, 6}, 7);
        System.out.println("On random data: " + c);
        check("<A x, y> == <x, A^T y>", c.deviation() < 1e-12);
    }

    // ------------------------------------------------------------------ 2

    static void kernelOneOneThree() {
        heading("2. ConvTranspose1d with kernel [1, 1, 3]: every input element stamps a copy of the kernel");
        Tensor k = t(new double[] {1, 1, 3}, 1, 1, 3);
        show("input [1]", F.convTranspose1d(t(new double[] {1}, 1, 1, 1), k, null, 1, 0, 0), 1, 1, 3);
        show("input [1, 1], stride 1", F.convTranspose1d(t(new double[] {1, 1}, 1, 1, 2), k, null, 1, 0, 0), 1, 2, 4, 3);
        Tensor s4 = F.convTranspose1d(t(new double[] {1, 1}, 1, 1, 2), k, null, 4, 0, 0);
        kernelPicture(new double[] {1, 1}, k, 4, s4);
        show("input [1, 1], stride 4", s4, 1, 1, 3, 0, 1, 1, 3);
        Tensor z = F.convTranspose1d(t(new double[] {1, 0, 0, 0, 1}, 1, 1, 5), k, null, 1, 0, 0);
        show("input [1, 0, 0, 0, 1], stride 1 (the zero-inserted input)", z, 1, 1, 3, 0, 1, 1, 3);
        check("stride 4 == stride 1 over the zero-inserted input", Arrays.equals(s4.toDoubleArray(), z.toDoubleArray()));
        show("stride 4, padding 1 (one element cropped from each end)",
                F.convTranspose1d(t(new double[] {1, 1}, 1, 1, 2), k, null, 4, 1, 0), 1, 3, 0, 1, 1);
        show("stride 4, padding 1, outputPadding 1 (one element given back at the far end)",
                F.convTranspose1d(t(new double[] {1, 1}, 1, 1, 2), k, null, 4, 1, 1), 1, 3, 0, 1, 1, 3);
        show("stride 4, padding 1, outputPadding 3",
                F.convTranspose1d(t(new double[] {1, 1}, 1, 1, 2), k, null, 4, 1, 3), 1, 3, 0, 1, 1, 3, 0, 0);
    }

    /**
     * Where each input element's copy of the kernel lands: the transposed convolution of the
     * one-hot input keeping only element i, one row per element, and their sum.
     */
    static void kernelPicture(double[] input, Tensor k, int stride, Tensor whole) {
        System.out.println("  where each copy of the kernel lands at stride " + stride + " (kernel output picture):");
        double[] sum = new double[(int) whole.numel()];
        for (int i = 0; i < input.length; i++) {
            double[] one = new double[input.length];
            one[i] = input[i];
            double[] row = F.convTranspose1d(t(one, 1, 1, one.length), k, null, stride, 0, 0).toDoubleArray();
            StringBuilder sb = new StringBuilder(String.format("    input[%d] = %s  -> ", i, num(input[i])));
            for (int j = 0; j < row.length; j++) {
                sb.append(' ').append(row[j] == 0 ? "." : num(row[j]));
                sum[j] += row[j];
            }
            System.out.println(sb);
        }
        StringBuilder sb = new StringBuilder("    sum           -> ");
        for (double v : sum) {
            sb.append(' ').append(num(v));
        }
        System.out.println(sb);
        check("the copies add up to the transposed convolution", Arrays.equals(sum, whole.toDoubleArray()));
    }

    // ------------------------------------------------------------------ 3

    static void explainedSteps() {
        heading("3. The explained transposed convolution, step by step (3x3 input, 2x2 kernel, stride 2)");
        Tensor x = Tensor.arange(DType.FLOAT64, 1, 10, 1).reshape(1, 1, 3, 3);
        Tensor w = t(new double[] {1, 2, 3, 4}, 1, 1, 2, 2);
        for (int padding : new int[] {0, 1}) {
            System.out.println("padding " + padding + ":");
            ConvTransposeExplained.Steps s = ConvTransposeExplained.steps(x, w, null, new int[] {2, 2}, new int[] {padding, padding},
                    new int[] {0, 0}, new int[] {1, 1}, 1);
            grid("input", s.input());
            grid("1. zeros inserted (stride - 1 = 1 between neighbours)", s.zeroInserted());
            grid("2. padded by dilation*(k-1) - padding = " + (1 - padding) + " on each side", s.padded());
            grid("3. kernel flipped in space (in/out channels swapped)", s.flippedKernel());
            grid("4. stride-1 convolution of (2) with (3)", s.output());
            Tensor fast = F.convTranspose2d(x, w, null, 2, padding, 0);
            grid("fast path (gemm + col2im, no multiplications by zeros)", fast);
            check("explained == fast (padding " + padding + ")", maxDiff(fast, s.output()) < 1e-12);
        }
    }

    // ------------------------------------------------------------------ 4

    static void nineByNine() {
        heading("4. 9x9 ones, kernel 1..9, stride 3: conv's input gradient is a transposed convolution");
        Tensor x = Tensor.ones(DType.FLOAT64, 1, 1, 9, 9).requiresGrad(true);
        Tensor k = Tensor.arange(DType.FLOAT64, 1, 10, 1).reshape(1, 1, 3, 3);
        Tensor y = F.conv2d(x, k, null, 3, 0);
        grid("conv2d(ones 9x9, kernel 1..9, stride 3)", y);
        Tensor gx = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, new Tensor[] {Tensor.ones(DType.FLOAT64, 1, 1, 3, 3)}, false, false)[0];
        grid("input gradient for an output gradient of ones (from backward)", gx);
        Tensor t = F.convTranspose2d(Tensor.ones(DType.FLOAT64, 1, 1, 3, 3), k, null, 3, 0, 0);
        check("backward's input gradient == convTranspose2d(ones 3x3)", maxDiff(gx, t) == 0);
        System.out.println("Both are the kernel tiled 3x3 times: the stride-3 windows tile the input exactly.");
    }

    // ------------------------------------------------------------------ 5

    static void oneTrainingStep() {
        heading("5. One training step of a tiny CNN, with the backward trace on");
        Init.manualSeed(0);
        Sequential model = new Sequential(new Conv2d(1, 2, 3, 1, 1), new ReLU(), new Conv2d(2, 2, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(8, 3));
        System.out.println(model);
        Tensor x = Tensor.rand(1, DType.FLOAT32, 2, 1, 4, 4);
        Tensor loss = F.crossEntropy(model.forward(x), new int[] {0, 2});
        System.out.println("The graph of the loss (Graphs.toText):");
        System.out.print(Graphs.toText(loss));
        System.out.println("The backward pass (Autograd.trace), in the order the engine runs it:");
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream both = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                System.out.write(b);
                captured.write(b);
            }
        }, true);
        try (Autograd.Trace t = Autograd.trace(both)) {
            loss.backward();
        }
        System.out.flush();
        check("the second conv's backward ran convTranspose2d", captured.toString().contains("= convTranspose2d(gy, w"));
        double before = loss.item();
        new SGD(model.parameters(), 0.1).step();
        double after = F.crossEntropy(model.forward(x), new int[] {0, 2}).item();
        System.out.printf("loss before the step %.5f, after %.5f%n", before, after);
        check("one SGD step lowered the loss", after < before);
    }

    // ------------------------------------------------------------------ helpers

    static Tensor t(double[] v, long... shape) {
        return Tensor.of(DType.FLOAT64, v, shape);
    }

    static void heading(String s) {
        System.out.println();
        System.out.println(s);
        System.out.println("-".repeat(s.length()));
    }

    static void check(String what, boolean ok) {
        System.out.println((ok ? "  [ok] " : "  [FAILED] ") + what);
        if (!ok) {
            failures++;
        }
    }

    static void show(String what, Tensor y, double... expected) {
        System.out.println(what + "  ->  " + vec(y));
        check(what + " gives " + fmt(expected), Arrays.equals(y.toDoubleArray(), expected));
    }

    static String vec(Tensor t) {
        return fmt(t.toDoubleArray());
    }

    static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(num(v[i]));
        }
        return sb.append(']').toString();
    }

    static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format("%.3f", d);
    }

    static void printMatrix(double[][] m, double a1, double a2) {
        for (double[] row : m) {
            StringBuilder sb = new StringBuilder("    ");
            for (double v : row) {
                sb.append(String.format("%4s", v == a1 ? "a1" : v == a2 ? "a2" : v == 0 ? "." : num(v)));
            }
            System.out.println(sb);
        }
    }

    static void grid(String title, Tensor t) {
        long[] s = t.shape();
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        double[] v = t.toDoubleArray();
        System.out.println("  " + title + " " + Arrays.toString(s) + ":");
        for (int r = 0; r < h; r++) {
            StringBuilder sb = new StringBuilder("    ");
            for (int c = 0; c < w; c++) {
                sb.append(String.format("%5s", num(v[r * w + c])));
            }
            System.out.println(sb);
        }
    }

    static double[] mul(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += a[i][j] * x[j];
            }
        }
        return y;
    }

    static double maxDiff(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        if (x.length != y.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }
}
