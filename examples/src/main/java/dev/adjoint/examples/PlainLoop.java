package dev.adjoint.examples;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.Flatten;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Linear;
import dev.adjoint.layers.MaxPool2d;
import dev.adjoint.layers.ReLU;
import dev.adjoint.layers.Sequential;
import dev.adjoint.ops.F;
import dev.adjoint.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The README's LeNet training loop exactly as a user writes it (no settings, no JVM
 * flags), on fixed synthetic batches: prints the steady time per step and the resident memory at
 * two points. Its PyTorch twin is examples/pytorch/plain_loop.py; docs/PERFORMANCE.md has both.
 */
final class PlainLoop {
    private PlainLoop() {
    }

    public static void main(String[] args) throws IOException {
        Options o = new Options("plain-loop", "The README's training loop as a user's own project runs it: steady ms/step and resident memory.")
                .intOption("steps", "3000", 2, "training steps (batch 64)")
                .intOption("report", "500", 1, "the earlier step at which resident memory is read (the other is the last step)")
                .intOption("seed", "0", Integer.MIN_VALUE, "seed for the model and the synthetic batches");
        if (!o.parse(args)) {
            return;
        }
        int steps = o.getInt("steps");
        int report = o.getInt("report");
        if (steps < 2 || report < 1 || report >= steps) {
            throw new Options.Invalid("plain-loop: need 1 <= --report < --steps, got " + report + " and " + steps);
        }
        long seed = Long.parseLong(o.get("seed"));
        Tensor[] inputs = new Tensor[8];
        int[][] labels = new int[8][64];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Tensor.randn(seed + i, DType.FLOAT32, 64, 1, 28, 28);
            for (int j = 0; j < 64; j++) {
                labels[i][j] = r.nextInt(10);
            }
        }

        // ---- the README's loop, as written there (minus the data loader: fixed batches)
        Init.manualSeed(seed);
        Sequential model = new Sequential(
                new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10));
        SGD optimizer = new SGD(model.parameters(), 0.01, 0.9);
        long[] nanos = new long[steps];
        long rssAtReport = -1;
        long heapAtReport = -1;
        double loss = 0;
        for (int step = 0; step < steps; step++) {
            long t0 = System.nanoTime();
            Tensor out = F.crossEntropy(model.forward(inputs[step % 8]), labels[step % 8]);
            optimizer.zeroGrad();
            out.backward();
            optimizer.step();
            loss = out.item();
            nanos[step] = System.nanoTime() - t0;
            if (step + 1 == report) {
                rssAtReport = residentBytes();
                heapAtReport = Bench.heapResidentKb() * 1024;
            }
        }
        long rssAtEnd = residentBytes();
        long heapAtEnd = Bench.heapResidentKb() * 1024;
        // ----

        long[] steady = Arrays.copyOfRange(nanos, report, steps);
        Arrays.sort(steady);
        double median = steady[steady.length / 2] / 1e6;
        double mean = Arrays.stream(nanos, report, steps).average().orElse(0) / 1e6;
        System.out.printf("plain loop: %d steps of batch 64, loss %.4f%n", steps, loss);
        System.out.println("pool: " + dev.adjoint.memory.Memory.stats());
        System.out.printf("steady step (steps %d-%d): median %.2f ms, mean %.2f ms%n", report + 1, steps, median, mean);
        System.out.printf("resident memory: step %d %s, step %d %s, ratio %s%n", report, mb(rssAtReport), steps, mb(rssAtEnd),
                rssAtReport > 0 && rssAtEnd > 0 ? String.format("%.2f", (double) rssAtEnd / rssAtReport) : "n/a");
        System.out.printf("  of which the Java heap's pages: %s and %s (the rest: ND4J's memory, native libraries, JIT code)%n", mb(heapAtReport), mb(heapAtEnd));
        System.out.printf("threads: %d processors; kernels: %s%n", Runtime.getRuntime().availableProcessors(), dev.adjoint.kernels.KernelSelection.current());
    }

    /** The process's resident set from /proc (Linux), or -1 elsewhere. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%.0f MB", bytes / 1048576.0);
    }
}
