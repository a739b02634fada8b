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
            run(args[0], rest);
        } catch (Options.Invalid e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
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
            case "plain-loop":
                PlainLoop.main(rest);
                break;
            case "autoencoder":
                Autoencoder.main(rest);
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
        System.out.println("  autoencoder   convolutional autoencoder on MNIST, decoder of ConvTranspose2d");
        System.out.println("  dcgan         a DCGAN on MNIST: the generator is transposed convolutions, the discriminator convolutions");
        System.out.println("  predict       classifies image files or folders with a LeNet checkpoint (--load)");
        System.out.println("  export-digits writes MNIST test digits as PNG files in class folders (for predict, lenet --image-folder)");
        System.out.println("  plain-loop    the README's training loop with no settings: steady ms/step and resident memory");
        System.out.println("NAME --help shows the options of one example.");
    }
}
