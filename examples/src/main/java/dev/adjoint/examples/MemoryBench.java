package dev.adjoint.examples;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Module;
import dev.adjoint.layers.Sequential;
import dev.adjoint.memory.Memory;
import dev.adjoint.metrics.Metrics;
import dev.adjoint.ops.F;
import dev.adjoint.optim.SGD;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench --only memory}: the training and inference loops of the memory issue, each in a JVM
 * of its own (peak resident memory is per process), printing steady and peak resident memory and
 * what the pool holds. Every loop is written as a user writes it: no settings, no scopes.
 * {@code examples/pytorch/memory_loops.py} runs the ResNet-20 and gradient-accumulation loops in
 * PyTorch.
 */
final class MemoryBench {
    /** The loops, by name: what {@code --loop} takes. */
    static final List<String> LOOPS = List.of("resnet20", "plain", "loss-list", "eval-in-training", "forwards", "forwards-nograd", "accumulate");

    private MemoryBench() {
    }

    /** Runs {@code loop} here, or with "all" each loop in a child JVM, one line each. */
    static void run(String loop) throws IOException, InterruptedException {
        if (!loop.equals("all")) {
            runHere(loop);
            return;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        for (String l : LOOPS) {
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench",
                    "--only", "memory", "--loop", l));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("memory ")) {
                        System.out.println(line.substring("memory ".length()));
                    }
                }
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("bench memory: the " + l + " loop failed (exit " + p.exitValue() + "); run it alone with --loop " + l);
            }
        }
    }

    private static void runHere(String loop) {
        switch (loop) {
            case "resnet20" -> resnet20();
            case "plain" -> lenetLoop(false);
            case "loss-list" -> lenetLoop(true);
            case "eval-in-training" -> evalInTraining();
            case "forwards" -> forwards(false);
            case "forwards-nograd" -> forwards(true);
            case "accumulate" -> accumulate();
            default -> throw new Options.Invalid("bench: --loop must be one of " + LOOPS + " or all, got " + loop);
        }
    }

    /** ResNet-20, batch 128, SGD with momentum, 60 steps. */
    private static void resnet20() {
        Init.manualSeed(0);
        Module model = SmallCnns.resnet20(3, 10);
        SGD sgd = new SGD(model.parameters(), 0.1, 0.9);
        Tensor x = Tensor.randn(10, DType.FLOAT32, 128, 3, 32, 32);
        int[] y = labels(128);
        for (int step = 1; step <= 60; step++) {
            Tensor loss = F.crossEntropy(model.forward(x), y);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
        }
        report("resnet20", "ResNet-20 training, batch 128, 60 steps", "");
    }

    /** LeNet's plain loop, 3,000 steps of batch 64; with {@code keepLosses} every loss tensor is kept and averaged at the end. */
    private static void lenetLoop(boolean keepLosses) {
        Init.manualSeed(0);
        Sequential model = LeNet.model();
        SGD sgd = new SGD(model.parameters(), 0.01, 0.9);
        Tensor[] xs = new Tensor[8];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Tensor.randn(i, DType.FLOAT32, 64, 1, 28, 28);
        }
        int[] y = labels(64);
        List<Tensor> losses = new ArrayList<>();
        double sum = 0;
        long at500 = 0;
        for (int step = 1; step <= 3000; step++) {
            Tensor loss = F.crossEntropy(model.forward(xs[step % 8]), y);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
            if (keepLosses) {
                losses.add(loss);
                sum += loss.item();
            }
            if (step == 500) {
                at500 = Bench.rssKb();
            }
        }
        String extra = String.format(Locale.ROOT, "resident at step 500 %.0f MB", at500 / 1024.0);
        if (keepLosses) {
            double again = 0;
            for (Tensor l : losses) {
                again += l.item();
            }
            extra += String.format(Locale.ROOT, "; mean of the 3,000 kept losses %.6f (read as they came: %.6f)", again / 3000, sum / 3000);
        }
        report(keepLosses ? "loss-list" : "plain", keepLosses ? "LeNet, 3,000 steps, every loss tensor kept" : "LeNet plain loop, 3,000 steps of batch 64",
                extra);
    }

    /** 500 LeNet steps, then 10,000 test-sized images evaluated without no-grad (batches of 1,000), then 500 more steps. */
    private static void evalInTraining() {
        Init.manualSeed(0);
        Sequential model = LeNet.model();
        SGD sgd = new SGD(model.parameters(), 0.01, 0.9);
        Tensor x = Tensor.randn(1, DType.FLOAT32, 64, 1, 28, 28);
        int[] y = labels(64);
        for (int step = 1; step <= 500; step++) {
            Tensor loss = F.crossEntropy(model.forward(x), y);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
        }
        long trainingPeak = Bench.peakKb();
        int correct = 0;
        for (int b = 0; b < 10; b++) { // no GradMode.disabled(): the graph of each batch is recorded and dropped
            correct += Metrics.correct(model.forward(Tensor.randn(100 + b, DType.FLOAT32, 1000, 1, 28, 28)), labels(1000));
        }
        long afterEval = Bench.rssKb();
        for (int step = 1; step <= 500; step++) {
            Tensor loss = F.crossEntropy(model.forward(x), y);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
        }
        report("eval-in-training", "LeNet: 500 steps, 10,000 images evaluated with grad on, 500 steps",
                String.format(Locale.ROOT, "training's peak before %.0f MB, resident right after the evaluation %.0f MB (%d correct)", trainingPeak / 1024.0,
                        afterEval / 1024.0, correct));
    }

    /** 20,000 LeNet forwards of 64 images, no optimizer, with or without no-grad. */
    private static void forwards(boolean noGrad) {
        Init.manualSeed(0);
        Sequential model = LeNet.model();
        Tensor x = Tensor.randn(1, DType.FLOAT32, 64, 1, 28, 28);
        long at2000 = 0;
        double checksum = 0;
        try (GradMode.Scope g = noGrad ? GradMode.disabled() : GradMode.enabled()) {
            for (int i = 1; i <= 20_000; i++) {
                checksum += model.forward(x).data().getDouble(0);
                if (i == 2000) {
                    at2000 = Bench.rssKb();
                }
            }
        }
        report(noGrad ? "forwards-nograd" : "forwards", "20,000 LeNet forwards of 64" + (noGrad ? ", under GradMode.disabled()" : ", grad mode on"),
                String.format(Locale.ROOT, "resident at forward 2,000 %.0f MB (checksum %.3f)", at2000 / 1024.0, checksum));
    }

    /** ResNet-20, gradient accumulated over 8 micro-batches of 16 per optimizer step, 20 steps. */
    private static void accumulate() {
        Init.manualSeed(0);
        Module model = SmallCnns.resnet20(3, 10);
        SGD sgd = new SGD(model.parameters(), 0.1, 0.9);
        Tensor[] micro = new Tensor[8];
        for (int i = 0; i < micro.length; i++) {
            micro[i] = Tensor.randn(20 + i, DType.FLOAT32, 16, 3, 32, 32);
        }
        int[] y = labels(16);
        for (int step = 1; step <= 20; step++) {
            sgd.zeroGrad();
            for (Tensor m : micro) {
                F.crossEntropy(model.forward(m), y).div(micro.length).backward();
            }
            sgd.step();
        }
        report("accumulate", "ResNet-20, 20 steps of 8 accumulated micro-batches of 16", "");
    }

    private static int[] labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (i * 7) % 10;
        }
        return y;
    }

    private static void report(String name, String what, String extra) {
        System.out.printf(Locale.ROOT, "memory %-16s resident %5.0f MB, peak %5.0f MB | %s%s | %s%n", name, Bench.rssKb() / 1024.0, Bench.peakKb() / 1024.0, what,
                extra.isEmpty() ? "" : "; " + extra, Memory.stats());
    }
}
