package dev.adjoint.examples;

import java.util.Arrays;

/** Dispatches {@code java -jar adjoint-examples.jar NAME [options]} to an example program. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            dev.adjoint.kernels.Settings.checkAll(); // a mistyped -Dadjoint.* property: one line before any work
            run(args[0], rest);
        } catch (Throwable e) {
            System.err.println(oneLine(e));
            System.exit(exitStatus(e));
        }
    }

    /**
     * The status a failure ends the program with: 1 when training ran and failed (a NaN loss, a
     * save that went to the fallback file), 2 for what the user can fix (an option, a file, a
     * system property), and the JVM's own 1 for anything else.
     */
    static int exitStatus(Throwable e) {
        if (e instanceof Guards.Failed) {
            return 1;
        }
        return userError(e) ? 2 : 1;
    }

    /** The message alone for the user's errors; the stack trace too for a bug of ours. */
    static String oneLine(Throwable e) {
        Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
        if (e instanceof Guards.Failed || userError(e)) {
            String m = cause.getMessage();
            return m == null || m.isBlank() ? cause.toString() : m;
        }
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        return trace.toString().strip();
    }

    private static boolean userError(Throwable e) {
        Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
        return cause instanceof Options.Invalid || cause instanceof java.io.IOException || cause instanceof java.io.UncheckedIOException
                || cause instanceof IllegalArgumentException || cause instanceof IllegalStateException;
    }

    private static void run(String name, String[] rest) throws Exception {
        switch (name) {
            case "lenet":
                LeNet.main(rest);
                break;
            case "bench":
                Bench.main(rest);
                break;
            case "tour":
                Tour.main(rest);
                break;
            case "dcgan":
                Dcgan.main(rest);
                break;
            case "predict":
                Predict.main(rest);
                break;
            case "export-digits":
                ExportDigits.main(rest);
                break;
            case "resnet":
                ResNetMnist.main(rest);
                break;
            case "plain-loop":
                PlainLoop.main(rest);
                break;
            case "autoencoder":
                Autoencoder.main(rest);
                break;
            case "conv-ab":
                ConvAb.main(rest);
                break;
            default:
                System.err.println("unknown example: " + name);
                usage();
                System.exit(2);
        }
    }

    private static void usage() {
        System.out.println("usage: java -jar examples/target/adjoint-examples.jar NAME [options]");
        System.out.println("examples:");
        System.out.println("  lenet         LeNet-5 on MNIST (the README's example)");
        System.out.println("  bench         median ms per training step; conv GFLOP/s against sgemm");
        System.out.println("  tour          a guided, self-checking tour of conv and its adjoint, convTranspose");
        System.out.println("  resnet        ResNet-20 (BatchNorm, residual blocks) on MNIST");
        System.out.println("  autoencoder   convolutional autoencoder on MNIST, decoder of ConvTranspose2d");
        System.out.println("  dcgan         a DCGAN on MNIST: the generator is transposed convolutions, the discriminator convolutions");
        System.out.println("  predict       classifies image files or folders with a LeNet checkpoint (--load)");
        System.out.println("  export-digits writes MNIST test digits as PNG files in class folders (for predict, lenet --image-folder)");
        System.out.println("  plain-loop    the README's training loop with no settings: steady ms/step and resident memory");
        System.out.println("  conv-ab       ResNet-20's convolutions, two builds' kernels (--a, --b class directories) alternated in one JVM");
        System.out.println("NAME --help shows the options of one example.");
    }
}
