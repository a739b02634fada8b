package dev.adjoint.examples;

import dev.adjoint.data.Batch;
import dev.adjoint.data.DataLoader;
import dev.adjoint.data.TensorDataset;
import dev.adjoint.DType;
import dev.adjoint.autograd.Profiler;
import dev.adjoint.Tensor;
import dev.adjoint.kernels.ConvParams;
import dev.adjoint.kernels.KernelSelection;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Module;
import dev.adjoint.layers.Sequential;
import dev.adjoint.ops.F;
import dev.adjoint.kernels.cpu.Parallel;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.SGD;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Speed figures: median milliseconds per training step (LeNet-5 and the autoencoder, batch 64,
 * random data of MNIST's shape), and forward+backward GFLOP/s of three convolutions next to the
 * GFLOP/s ND4J's sgemm reaches for a gemm of the same size in the same run.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws java.io.IOException, InterruptedException {
        Options o = new Options("bench", "Median ms per training step, and conv forward+backward GFLOP/s against sgemm.")
                .intOption("steps", "30", 1, "timed steps per measurement")
                .intOption("warmup", "30", 0, "untimed steps first (the Java kernels need a few dozen steps of JIT compilation)")
                .flagOption("profile", "false", "print the profiler's table of the timed LeNet and autoencoder steps (after the warm-up)")
                .option("only", "all", "run one part: lenet, autoencoder, conv, layers, resnet20, dwnet, batchnorm, memory, elementwise (all: lenet, autoencoder, conv)")
                .option("loop", "all", "memory: which loop (" + String.join(", ", MemoryBench.LOOPS) + "), each in a JVM of its own with all")
                .intOption("cnn-steps", "100", 1, "resnet20 and dwnet: timed steps (batch 128)")
                .intOption("cnn-warmup", "20", 0, "resnet20 and dwnet: untimed steps first")
                .flagOption("trim", "true", "give malloc's free memory back to the system after collections (NativeMemory, glibc only; false: for comparison)")
                .intOption("memory-steps", "0", 0, "instead: run this many LeNet steps and report resident memory and the Java heap every 200");
        if (!o.parse(args)) {
            return;
        }
        profile = Boolean.parseBoolean(o.get("profile"));
        NativeMemory.trimAfterCollections(Boolean.parseBoolean(o.get("trim")));
        if (o.getInt("memory-steps") > 0) {
            memory(o.getInt("memory-steps"));
            return;
        }
        int steps = o.getInt("steps");
        int warmup = o.getInt("warmup");
        System.out.printf("kernels: %s%n", dev.adjoint.kernels.KernelSelection.current());

        String only = o.get("only");
        if (!List.of("all", "lenet", "autoencoder", "conv", "layers", "resnet20", "dwnet", "batchnorm", "memory", "elementwise").contains(only)) {
            throw new Options.Invalid("bench: --only must be all, lenet, autoencoder, conv, layers, resnet20, dwnet, batchnorm, memory or elementwise, got " + only);
        }
        if (only.equals("elementwise")) {
            elementwise(o.getInt("cnn-warmup") * 5, o.getInt("cnn-steps") * 5);
            return;
        }
        if (only.equals("memory")) {
            MemoryBench.run(o.get("loop"));
            return;
        }
        if (only.equals("batchnorm")) {
            batchNorm(o.getInt("cnn-warmup"), o.getInt("cnn-steps"));
            return;
        }
        if (only.equals("resnet20") || only.equals("dwnet")) {
            smallCnn(only, o.getInt("cnn-warmup"), o.getInt("cnn-steps"));
            return;
        }
        Tensor x = Tensor.rand(1, DType.FLOAT32, 64, 1, 28, 28);
        if (only.equals("layers")) {
            layers(x, warmup * 10, steps * 10);
            return;
        }
        if (only.equals("all") || only.equals("lenet")) {
            lenet(x, warmup, steps);
        }
        if (only.equals("all") || only.equals("autoencoder")) {
            autoencoder(x, warmup, steps);
        }
        if (only.equals("all") || only.equals("conv")) {
            int convSteps = Math.max(3, steps / 3);
            int convWarmup = Math.min(warmup, 10);
            conv("conv2d 64->64 3x3 pad 1, 32x32, batch 32", false, 32, 64, 32, 64, 3, 1, 1, 0, convWarmup, convSteps);
            conv("conv2d 64->128 3x3 stride 2 pad 1, 32x32, batch 32", false, 32, 64, 32, 128, 3, 2, 1, 0, convWarmup, convSteps);
            conv("convTranspose2d 128->64 3x3 s2 p1 op1, 16x16, batch 32", true, 32, 128, 16, 64, 3, 2, 1, 1, convWarmup, convSteps);
            System.out.println("Small CNNs' convolutions, batch 128, median ms per kernel call: forward, input gradient, weight gradient");
            int[][] shapes = {{3, 16, 32, 3, 1}, {16, 16, 32, 3, 1}, {16, 32, 32, 3, 2}, {32, 32, 16, 3, 1}, {64, 64, 8, 3, 1}, {32, 64, 16, 1, 1}, {128, 256, 8, 1, 1}};
            for (int[] shape : shapes) {
                convDirections(shape[0], shape[1], shape[2], shape[3], shape[4], convWarmup, convSteps * 2);
            }
        }
    }

    /**
     * The README's plain loop (SGD 0.1, momentum 0.9) on a small CNN of today (ResNet-20 or the
     * depthwise-separable net of {@link SmallCnns}), batch 128 of random CIFAR-shaped data (four fixed
     * batches in turn): median ms per step after the warm-up and the process's peak resident memory.
     * {@code examples/pytorch/small_cnns.py} is the PyTorch twin.
     */
    static void smallCnn(String name, int warmup, int steps) {
        Init.manualSeed(0);
        Module model = name.equals("resnet20") ? SmallCnns.resnet20(3, 10) : SmallCnns.dwnet(3, 10);
        SGD sgd = new SGD(model.parameters(), 0.1, 0.9);
        Tensor[] inputs = new Tensor[4];
        int[][] labels = new int[4][128];
        java.util.Random r = new java.util.Random(0);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Tensor.randn(10 + i, DType.FLOAT32, 128, 3, 32, 32);
            for (int j = 0; j < 128; j++) {
                labels[i][j] = r.nextInt(10);
            }
        }
        int[] step = {0};
        double[] loss = {0};
        List<Double> times = timeMs(() -> {
            int k = step[0]++ % inputs.length;
            Tensor l = F.crossEntropy(model.forward(inputs[k]), labels[k]);
            sgd.zeroGrad();
            l.backward();
            sgd.step();
            loss[0] = l.item();
            return l;
        }, warmup, steps);
        System.out.printf(java.util.Locale.ROOT, "%-8s median %.1f ms per training step (batch 128, steps %d-%d, %d threads), loss %.4f, peak resident %s%n",
                name, median(times), warmup + 1, warmup + steps, Parallel.threads(), loss[0], peakResident());
        // the mean counts every step's share of the pool's collections, which the median may step over
        System.out.printf(java.util.Locale.ROOT, "         mean %.1f ms, quartiles %.1f-%.1f ms%n", times.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                quantile(times, 0.25), quantile(times, 0.75));
        System.out.println("         " + dev.adjoint.memory.Memory.stats());
    }

    /** BatchNorm2d(16) in training mode on {@code [128, 16, 32, 32]}: median ms of forward + backward (input and parameter gradients). */
    static void batchNorm(int warmup, int steps) {
        Init.manualSeed(0);
        dev.adjoint.layers.BatchNorm2d bn = new dev.adjoint.layers.BatchNorm2d(16);
        Tensor x = Tensor.randn(1, DType.FLOAT32, 128, 16, 32, 32).requiresGrad(true);
        Tensor gy = Tensor.randn(2, DType.FLOAT32, 128, 16, 32, 32);
        SGD sgd = new SGD(bn.parameters(), 0.0); // its step ends each iteration as in training (the step's memory is recycled)
        List<Double> times = timeMs(() -> {
            bn.zeroGrad();
            x.zeroGrad(true);
            bn.forward(x).backward(gy);
            sgd.step();
            return x;
        }, warmup * 5, steps * 5);
        System.out.printf(java.util.Locale.ROOT, "batchnorm median %.2f ms per forward+backward of BatchNorm2d(16) on [128, 16, 32, 32] (%d threads)%n",
                median(times), Parallel.threads());
    }

    /**
     * Elementwise ops on ResNet-20's largest activation, {@code [128, 16, 32, 32]} (2.1 M floats):
     * median ms and G elements/s of {@code add} and {@code relu}, next to a plain Java loop
     * {@code c[i] = a[i] + b[i]} over float arrays of the same size (STREAM's "add", one thread),
     * which is about what memory allows.
     */
    static void elementwise(int warmup, int steps) {
        Tensor a = Tensor.randn(1, DType.FLOAT32, 128, 16, 32, 32);
        Tensor b = Tensor.randn(2, DType.FLOAT32, 128, 16, 32, 32);
        long n = a.numel();
        try (dev.adjoint.autograd.GradMode.Scope g = dev.adjoint.autograd.GradMode.disabled()) {
            double add = median(timeMs(() -> a.add(b), warmup, steps));
            double relu = median(timeMs(() -> F.relu(a), warmup, steps));
            float[] x = new float[(int) n];
            float[] y = new float[(int) n];
            float[] z = new float[(int) n];
            double stream = median(timeMs(() -> {
                for (int i = 0; i < x.length; i++) {
                    z[i] = x[i] + y[i];
                }
                return z;
            }, warmup, steps));
            System.out.printf(java.util.Locale.ROOT, "elementwise on [128, 16, 32, 32] (%d threads): add %.2f ms (%.2f G elements/s), relu %.2f ms (%.2f G/s);"
                    + " plain Java loop c = a + b, one thread: %.2f ms (%.2f G/s); add / loop time %.2f%n", Parallel.threads(), add, n / add / 1e6,
                    relu, n / relu / 1e6, stream, n / stream / 1e6, add / stream);
        }
    }

    /** The process's peak resident memory (Linux's VmHWM), or "n/a" elsewhere. */
    static String peakResident() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return String.format(java.util.Locale.ROOT, "%.0f MB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return "n/a";
    }

    static void lenet(Tensor x, int warmup, int steps) {
        Init.manualSeed(0);
        Sequential lenet = LeNet.model();
        SGD sgd = new SGD(lenet.parameters(), 0.01, 0.9);
        int[] labels = new int[64];
        for (int i = 0; i < 64; i++) {
            labels[i] = i % 10;
        }
        double lenetMs = median(timeMs(() -> {
            Tensor loss = F.crossEntropy(lenet.forward(x), labels);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
            return loss;
        }, warmup, steps));
        System.out.printf("lenet        median %.1f ms per training step (batch 64)%n", lenetMs);
    }

    /**
     * Each of LeNet's layers alone on its real input shape (batch 64): median ms of its forward and
     * of forward + backward (the input gradient too, except for the first layer, whose input is the
     * images), as in a training step; then the cost of handing half a loop to the second core.
     */
    static void layers(Tensor x, int warmup, int steps) {
        Init.manualSeed(0);
        Sequential lenet = LeNet.model();
        System.out.printf("LeNet's layers alone, batch 64, median of %d calls after %d (ms); fwd+bwd includes zeroing and%n"
                + "accumulating the gradients of the layer's parameters and of its input (a leaf here, unlike in a step)%n", steps, warmup);
        System.out.printf("%-72s %9s %9s%n", "layer", "forward", "fwd+bwd");
        Tensor input = x;
        for (int i = 0; i < lenet.size(); i++) {
            Module layer = lenet.get(i);
            Tensor in = i == 0 ? input : input.detach().requiresGrad(true);
            Tensor gy = Tensor.randn(5, DType.FLOAT32, layer.forward(in).shape());
            double fwd = median(timeMs(() -> layer.forward(in), warmup, steps));
            double both = median(timeMs(() -> {
                layer.zeroGrad();
                if (in.requiresGrad()) {
                    in.zeroGrad(false);
                }
                layer.forward(in).backward(gy);
                return null;
            }, warmup, steps));
            System.out.printf("%-72s %9.3f %9.3f%n", i + " " + layer, fwd, both);
            input = layer.forward(input.detach()).detach();
        }
        long[] sink = new long[2];
        double split = median(timeMs(() -> {
            Parallel.forEach(2, 1, (chunk, from, to) -> sink[chunk] += from);
            return null;
        }, warmup, steps));
        System.out.printf("%-72s %9.3f%n", "Parallel.forEach of an empty two-chunk loop", split);
    }

    static void autoencoder(Tensor x, int warmup, int steps) {
        Init.manualSeed(0);
        Sequential ae = Autoencoder.model();
        Adam adam = new Adam(ae.parameters(), 1e-3);
        double aeMs = median(timeMs(() -> {
            Tensor loss = F.mseLoss(ae.forward(x), x);
            adam.zeroGrad();
            loss.backward();
            adam.step();
            return loss;
        }, warmup, steps));
        System.out.printf("autoencoder  median %.1f ms per training step (batch 64)%n", aeMs);
    }

    /** Forward+backward of one conv (input grad, weight grad, bias grad), and sgemm of the forward's gemm size. */
    static void conv(String name, boolean transposed, int n, int cin, int size, int cout, int k, int s, int p, int op, int warmup, int steps) {
        Tensor x = Tensor.rand(2, DType.FLOAT32, n, cin, size, size).requiresGrad(true);
        Tensor w = Tensor.rand(3, DType.FLOAT32, transposed ? new long[] {cin, cout, k, k} : new long[] {cout, cin, k, k}).requiresGrad(true);
        Tensor b = Tensor.zeros(cout).requiresGrad(true);
        Supplier<Tensor> f = () -> transposed ? F.convTranspose2d(x, w, b, s, p, op) : F.conv2d(x, w, b, s, p);
        long[] yShape = f.get().shape();
        Tensor gy = Tensor.rand(4, DType.FLOAT32, yShape);
        double ms = median(timeMs(() -> {
            // in place, as an optimizer's zeroGrad: the gradients accumulate into the same arrays each step
            x.zeroGrad(false);
            w.zeroGrad(false);
            b.zeroGrad(false);
            f.get().backward(gy);
            return null;
        }, warmup, steps));
        // The gemm of the im2col formulation: rows = pixels of the "small" side, inner = C*k*k, cols = other channels.
        long pixels = transposed ? (long) n * size * size : yShape[0] * yShape[2] * yShape[3];
        long inner = (long) (transposed ? cout : cin) * k * k;
        long other = transposed ? cin : cout;
        double flops = 3 * 2.0 * pixels * inner * other; // forward, input gradient, weight gradient
        INDArray a = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, pixels, inner);
        INDArray bm = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, inner, other);
        INDArray c = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, pixels, other);
        boolean profiling = profile;
        profile = false; // the table is for the convolution's steps
        double[] gemmGflops = new double[2];
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        for (int t = 1; t <= 2; t++) {
            // sgemm on one BLAS thread and on two: the conv kernels use both cores, so the fair reference is the better of the two
            Nd4j.factory().blas().setMaxThreads(t);
            double gemmMs = median(timeMs(() -> {
                Nd4j.gemm(a, bm, c, false, false, 1.0, 0.0);
                return null;
            }, warmup, steps * 3));
            gemmGflops[t - 1] = 2.0 * pixels * inner * other / (gemmMs * 1e6);
        }
        Nd4j.factory().blas().setMaxThreads(blasThreads);
        profile = profiling;
        double convGflops = flops / (ms * 1e6);
        double best = Math.max(gemmGflops[0], gemmGflops[1]);
        System.out.printf("%-56s fwd+bwd %7.1f ms %6.2f GFLOP/s | sgemm [%d x %d] x [%d x %d] 1 thread %6.2f, 2 threads %6.2f GFLOP/s | ratio %.0f%%%n",
                name, ms, convGflops, pixels, inner, inner, other, gemmGflops[0], gemmGflops[1], 100 * convGflops / best);
    }

    /**
     * The three kernels of one convolution (ResNet's and MobileNet's shapes, padding k/2), each
     * timed alone through the kernel seam: the forward, the input gradient (the transposed
     * convolution) and the weight gradient.
     */
    static void convDirections(int cin, int cout, int size, int k, int stride, int warmup, int steps) {
        Kernels kernels = KernelSelection.current();
        ConvParams p = new ConvParams(stride, stride, k / 2, k / 2, 1, 1, 0, 0, 1);
        long out = (size + 2L * (k / 2) - k) / stride + 1;
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 128, cin, size, size);
        INDArray w = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, cout, cin, k, k);
        INDArray gy = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 128, cout, out, out);
        // the input gradient's size: stride 2 needs output padding 1 to come back to an even size
        int outputPadding = (int) (size - ((out - 1) * stride - 2 * (k / 2) + k));
        ConvParams back = new ConvParams(stride, stride, k / 2, k / 2, 1, 1, outputPadding, outputPadding, 1);
        double fwd = median(timeMs(() -> kernels.conv2d(x, w, null, out, out, p), warmup, steps));
        double input = median(timeMs(() -> kernels.convTranspose2d(gy, w, null, size, size, back), warmup, steps));
        double weight = median(timeMs(() -> kernels.convWeightGrad(x, gy, k, k, p), warmup, steps));
        System.out.printf(java.util.Locale.ROOT, "  %3d->%-3d %dx%d stride %d at %2dx%-2d  forward %6.2f  input grad %6.2f (%.2fx)  weight grad %6.2f (%.2fx)%n",
                cin, cout, k, k, stride, size, size, fwd, input, input / fwd, weight, weight / fwd);
    }

    /**
     * LeNet training steps on random data, printing resident set size and how much of it is the Java
     * heap. Batches come from a DataLoader over an in-memory data set, as in the {@code lenet} example.
     */
    static void memory(int total) {
        Init.manualSeed(0);
        Sequential lenet = LeNet.model();
        SGD sgd = new SGD(lenet.parameters(), 0.01, 0.9);
        int examples = 6400;
        java.util.Random random = new java.util.Random(0);
        float[] images = new float[examples * 28 * 28];
        int[] labels = new int[examples];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        for (int i = 0; i < examples; i++) {
            labels[i] = i % 10;
        }
        DataLoader loader = new DataLoader(new TensorDataset(images, labels, 1, 28, 28), 64, true, 0, true);
        java.util.Iterator<Batch> batches = loader.iterator();
        long allocated = allocatedBytes();
        for (int step = 1; step <= total; step++) {
            if (!batches.hasNext()) {
                batches = loader.iterator();
            }
            Batch b = batches.next();
            Tensor loss = F.crossEntropy(lenet.forward(b.inputs()), b.labels());
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
            NativeMemory.afterStep(); // --trim
            if (step % 200 == 0) {
                long now = allocatedBytes();
                printMemory("step " + String.format("%5d", step));
                System.out.printf("            Java heap allocated: %.1f KB per step over the last 200 steps%n", (now - allocated) / 200 / 1024.0);
                allocated = allocatedBytes(); // after printing: the report's own garbage is not the step's
            }
        }
        // ND4J frees the native memory behind an op's temporary Java objects (shape buffers, op
        // contexts) only when the collector finds them; a collection shows how much was waiting
        System.gc();
        System.gc();
        printMemory("after System.gc()");
    }

    /** Bytes the live threads have allocated on the Java heap so far (HotSpot's per-thread counters). */
    static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, a);
        }
        return sum;
    }

    /** One line: resident set, split into the Java heap's part and the rest. */
    static void printMemory(String when) {
        long rss = rssKb();
        long heap = heapResidentKb();
        System.out.printf("%s: resident %7.1f MB = Java heap %6.1f MB + everything else %6.1f MB (heap committed %5.1f MB, used %5.1f MB)%n",
                when, rss / 1024.0, heap / 1024.0, (rss - heap) / 1024.0, Runtime.getRuntime().totalMemory() / 1048576.0,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0);
        long[] malloc = NativeMemory.mallocHeldInUseFree();
        if (malloc != null) {
            System.out.printf("            malloc holds %6.1f MB: %6.1f MB in use, %6.1f MB free (native memory trimmed %d times)%n",
                    malloc[0] / 1048576.0, malloc[1] / 1048576.0, malloc[2] / 1048576.0, NativeMemory.trims());
        }
    }

    /**
     * Resident kB of the Java heap's address range, from /proc/self/smaps: HotSpot reserves the whole
     * maximum heap as one range (the largest reserved-but-inaccessible anonymous mapping is its
     * uncommitted top), and the heap's pages become resident as the collector first uses them. The
     * rest of the resident set is ND4J's memory, native libraries, JIT code and metadata.
     */
    static long heapResidentKb() {
        // parsed by hand, line by line: regexes over ~10,000 lines allocated ~20 MB per call, which
        // showed up in the very heap figure this prints
        List<long[]> maps = new ArrayList<>(); // start, end, rss kB, anonymous and reserved (1/0)
        try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/self/smaps"))) {
            long[] current = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                if (dash > 0 && space > dash && isHex(line, 0, dash)) {
                    // "start-end perms offset dev inode [path]": reserved = no access and no path
                    boolean reserved = line.startsWith("---p", space + 1) && line.trim().split(" +").length < 6;
                    current = new long[] {Long.parseUnsignedLong(line, 0, dash, 16), Long.parseUnsignedLong(line, dash + 1, space, 16), 0, reserved ? 1 : 0};
                    maps.add(current);
                } else if (line.startsWith("Rss:") && current != null) {
                    current[2] = Long.parseLong(line.substring(4, line.length() - 2).trim());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        long[] top = maps.stream().filter(m -> m[3] == 1).max(java.util.Comparator.comparingLong(m -> m[1] - m[0])).orElse(null);
        if (top == null) {
            return 0;
        }
        long from = top[1] - Runtime.getRuntime().maxMemory() - (64L << 20);
        return maps.stream().filter(m -> m[0] >= from && m[1] <= top[1]).mapToLong(m -> m[2]).sum();
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The process's peak resident set in kB (Linux's VmHWM), or -1 elsewhere. */
    static long peakKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static long rssKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    /** Whether the timed steps (not the warm-up) are profiled (--profile). */
    static boolean profile;

    static List<Double> timeMs(Supplier<Object> step, int warmup, int steps) {
        for (int i = 0; i < warmup; i++) {
            step.get();
        }
        List<Double> times = new ArrayList<>();
        Profiler.Scope profiling = profile ? Profiler.enable() : null;
        for (int i = 0; i < steps; i++) {
            long t = System.nanoTime();
            step.get();
            times.add((System.nanoTime() - t) / 1e6);
        }
        if (profiling != null) {
            System.out.print(Profiler.table());
            profiling.close();
        }
        return times;
    }

    /** The q-quantile of xs, the nearest rank below. */
    static double quantile(List<Double> xs, double q) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v[(int) Math.min(v.length - 1, Math.floor(q * (v.length - 1)))];
    }

        static double median(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
