package dev.adjoint.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.AnomalyMode;
import dev.adjoint.autograd.GradCheck;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.Mnist;
import dev.adjoint.memory.Memory;
import dev.adjoint.kernels.Kernels;
import dev.adjoint.kernels.KernelSelection;
import dev.adjoint.ops.F;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.SGD;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that used to give wrong numbers without an error (issue: no silent wrong results), one test per case. */
class NoSilentWrongResultsTest {

    // 1. mixed dtypes in the conv family
    @Test
    void convRejectsOperandsOfAnotherDtype() {
        Tensor x32 = Tensor.randn(1, DType.FLOAT32, 2, 3, 6, 6);
        Tensor w64 = Tensor.randn(2, DType.FLOAT64, 4, 3, 3, 3);
        Tensor x64 = Tensor.randn(3, DType.FLOAT64, 2, 3, 6, 6);
        Tensor w32 = Tensor.randn(4, DType.FLOAT32, 4, 3, 3, 3);
        assertThatThrownBy(() -> F.conv2d(x32, w64, null, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d").hasMessageContaining("dtypes differ").hasMessageContaining("float64");
        assertThatThrownBy(() -> F.conv2d(x64, w32, null, 1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight w");
        assertThatThrownBy(() -> F.conv2d(x32, w32, Tensor.zeros(DType.FLOAT64, 4), 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bias b");
        Tensor wt64 = Tensor.randn(5, DType.FLOAT64, 3, 2, 3, 3);
        assertThatThrownBy(() -> F.convTranspose2d(x32, wt64, null, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("convTranspose2d");
        assertThatThrownBy(() -> F.conv1d(Tensor.randn(1, DType.FLOAT32, 1, 3, 8), Tensor.randn(1, DType.FLOAT64, 2, 3, 3), null, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv1d");
    }

    // 2. a parameter reachable twice
    @Test
    void aSharedLayerIsSteppedOnceAndAnOptimizerRejectsDuplicates() {
        Init.manualSeed(0);
        Linear l = new Linear(3, 3);
        Sequential twice = new Sequential(l, l);
        assertThat(twice.parameters()).hasSize(2);
        assertThat(twice.namedParameters().keySet()).containsExactly("0.weight", "0.bias");
        Tensor p = l.parameters().get(0);
        assertThatThrownBy(() -> new SGD(List.of(p, p), 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter 1 is the same tensor as parameter 0");
    }

    // 3. in-place modification between forward and backward
    @Test
    void anOptimizerStepBetweenForwardAndBackwardIsDetected() {
        Init.manualSeed(0);
        Linear l = new Linear(4, 2);
        SGD opt = new SGD(l.parameters(), 0.1);
        Tensor x = Tensor.randn(1, DType.FLOAT32, 3, 4);
        Tensor loss = l.forward(x).sum();
        loss.backward(null, true, false);
        opt.step(); // writes the weight the graph saved
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("modified in place").hasMessageContaining("MatMul#").hasMessageContaining("at version 1") // 1: initialised
                .hasMessageContaining("version 2 now");
        Tensor fresh = l.forward(x).sum();
        fresh.backward(); // a new forward is fine
        assertThat(l.parameters().get(0).version()).isEqualTo(2);
    }

    // 4. BCE with logits at exactly 0
    @Test
    void bceWithLogitsHasTheSigmoidGradientAtZero() {
        double[] logits = {0, 0.8, -1.2, 0, 3.5, -0.04};
        double[] targets = {0, 1, 1, 1, 0, 1};
        Tensor x = Tensor.of(DType.FLOAT64, logits, 2, 3).requiresGrad(true);
        Tensor t = Tensor.of(DType.FLOAT64, targets, 2, 3);
        F.binaryCrossEntropyWithLogits(x, t).backward();
        double[] g = x.grad().toDoubleArray();
        for (int i = 0; i < logits.length; i++) {
            double expected = (1 / (1 + Math.exp(-logits[i])) - targets[i]) / logits.length; // d/dx of the definition
            assertThat(g[i]).as("gradient at logit " + logits[i]).isCloseTo(expected, within(1e-15));
        }
        GradCheck.assertGradients(xs -> F.binaryCrossEntropyWithLogits(xs[0], xs[1]), Tensor.of(DType.FLOAT64, logits, 2, 3).requiresGrad(true),
                Tensor.of(DType.FLOAT64, targets, 2, 3).requiresGrad(true));
        double loss = F.binaryCrossEntropyWithLogits(Tensor.of(DType.FLOAT64, new double[] {1000, -1000}, 2),
                Tensor.of(DType.FLOAT64, new double[] {0, 1}, 2)).item();
        assertThat(loss).as("stable for large logits").isCloseTo(1000, within(1e-9));
    }

    // 5. pooled memory never feeds a gradient: memory reused by later ops is never memory a graph still holds
    @Test
    void maxPoolAndLossGradientsStayRightWhileLaterOpsReuseThePool() {
        Tensor x = Tensor.randn(7, DType.FLOAT32, 2, 3, 8, 8);
        Tensor gy = Tensor.randn(8, DType.FLOAT32, 2, 3, 4, 4);
        Tensor plainX = x.detach().requiresGrad(true);
        F.maxPool2d(plainX, 2).backward(gy);
        Tensor laterX = x.detach().requiresGrad(true);
        Tensor y = F.maxPool2d(laterX, 2);
        Tensor logits = Tensor.randn(10, DType.FLOAT32, 4, 5).requiresGrad(true);
        Tensor loss = F.crossEntropy(logits, new int[] {0, 1, 2, 3});
        Tensor expectedLogitsGrad = gradOfCrossEntropy(Tensor.randn(10, DType.FLOAT32, 4, 5));
        for (int i = 0; i < 50; i++) { // other ops of the same shapes, their outputs dropped at once
            F.maxPool2d(Tensor.randn(9 + i, DType.FLOAT32, 2, 3, 8, 8), 2);
            F.crossEntropy(Tensor.randn(100 + i, DType.FLOAT32, 4, 5), new int[] {4, 4, 4, 4});
            if (i % 10 == 0) {
                Memory.collect();
            }
        }
        y.backward(gy);
        loss.backward();
        assertThat(laterX.grad().toDoubleArray()).containsExactly(plainX.grad().toDoubleArray());
        assertThat(logits.grad().toDoubleArray()).containsExactly(expectedLogitsGrad.toDoubleArray());
    }

    private static Tensor gradOfCrossEntropy(Tensor values) {
        Tensor l = values.detach().requiresGrad(true);
        F.crossEntropy(l, new int[] {0, 1, 2, 3}).backward();
        return l.grad();
    }

    // 6. a failing BatchNorm forward leaves its buffers alone
    @Test
    void batchNormValidatesBeforeItUpdatesRunningStatistics() {
        BatchNorm2d bn = new BatchNorm2d(3);
        Map<String, Tensor> before = copies(bn.namedBuffers());
        assertThatThrownBy(() -> bn.forward(Tensor.randn(1, DType.FLOAT64, 2, 3, 4, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dtypes differ");
        assertThatThrownBy(() -> bn.forward(Tensor.randn(1, DType.FLOAT32, 2, 4, 4, 4))).isInstanceOf(IllegalArgumentException.class);
        bn.namedBuffers().forEach((k, v) -> assertThat(v.toDoubleArray()).as(k).containsExactly(before.get(k).toDoubleArray()));
    }

    // 7. seeding per thread; dropout seeded from it
    @Test
    void modelsBuiltConcurrentlyFromOneSeedAreEqualAndDropoutFollowsTheSeed() throws Exception {
        for (int round = 0; round < 20; round++) {
            double[][] w = new double[2][];
            Thread[] ts = new Thread[2];
            for (int i = 0; i < 2; i++) {
                int me = i;
                ts[i] = new Thread(() -> {
                    Init.manualSeed(42);
                    w[me] = new Linear(50, 40).parameters().get(0).toDoubleArray();
                });
                ts[i].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(w[0]).as("round " + round).containsExactly(w[1]);
        }
        Tensor x = Tensor.ones(1, 200);
        Init.manualSeed(5);
        Dropout a = new Dropout(0.5);
        Dropout b = new Dropout(0.5);
        double[] ma = a.forward(x).toDoubleArray();
        double[] mb = b.forward(x).toDoubleArray();
        Init.manualSeed(5);
        double[] again = new Dropout(0.5).forward(x).toDoubleArray();
        assertThat(again).as("reproducible under manualSeed").containsExactly(ma);
        assertThat(mb).as("different per layer").isNotEqualTo(ma);
    }

    // 8. float32 sums with a float64 accumulator, on both kernel sets
    @Test
    void float32SumsAreAccurateOnBothKernelSets() {
        Random r = new Random(1);
        int n = 1 << 20;
        double[] v = new double[n];
        double exact = 0;
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(); // exactly representable in float32
            exact += v[i];
        }
        for (Kernels k : new Kernels[] {KernelSelection.fast(), KernelSelection.reference()}) {
            try (var s = KernelSelection.use(k)) {
                double got = Tensor.of(DType.FLOAT32, v, n).sum().item();
                assertThat(Math.abs(got - exact) / exact).as(k.name() + ": sum " + got + " vs " + exact).isLessThan(1.2e-7);
                double mean = Tensor.of(DType.FLOAT32, v, n).mean().item();
                assertThat(Math.abs(mean - exact / n) / (exact / n)).as(k.name() + ": mean").isLessThan(1.2e-7);
            }
        }
    }

    // 9. an IDX header that claims more than the file holds
    @Test
    void anIdxFileClaimingTwoBillionImagesFailsBeforeAllocating(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("train-images-idx3-ubyte");
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        ByteBuffer b = ByteBuffer.allocate(26);
        b.putInt(0x803).putInt(2_000_000_000).putInt(1).putInt(1);
        Files.write(images, b.array());
        Files.write(labels, ByteBuffer.allocate(8).putInt(0x801).putInt(2_000_000_000).array());
        long start = System.nanoTime();
        assertThatThrownBy(() -> Mnist.read(images, labels)).isInstanceOf(IOException.class).hasMessageContaining(images.toString())
                .hasMessageContaining("declares").hasMessageContaining("26 bytes");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(1.0);
    }

    // 10. hostile checkpoint files, and saving that keeps what the target was
    @Test
    void malformedCheckpointHeadersAreIOExceptionsNamingFileAndTensor(@TempDir Path dir) throws IOException {
        String[][] cases = {
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", "more than one tensor can hold"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]}}", "more elements than a long"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{\"begin\":0}}}", "data_offsets"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", "whole non-negative"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                "overlaps"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "hole"},
            {"{\"w\":7}", "not a JSON object"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("bad.safetensors");
            byte[] json = c[0].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putLong(json.length).put(json).putLong(0);
            Files.write(f, b.array());
            assertThatThrownBy(() -> dev.adjoint.io.Checkpoints.read(f)).as(c[0]).isInstanceOf(IOException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining(c[1]);
        }
    }

    @Test
    void savingKeepsTheTargetsPermissionsAndWritesThroughASymlink(@TempDir Path dir) throws IOException {
        Init.manualSeed(0);
        Sequential model = new Sequential(new Linear(3, 2), new BatchNorm2d(2));
        Path real = dir.resolve("real.safetensors");
        dev.adjoint.io.Checkpoints.save(model, real);
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(real, perms);
        Path link = Files.createSymbolicLink(dir.resolve("link.safetensors"), real);
        dev.adjoint.io.Checkpoints.save(model, link);
        assertThat(Files.isSymbolicLink(link)).as("the link is still a link").isTrue();
        assertThat(Files.getPosixFilePermissions(real)).isEqualTo(perms);
        Sequential back = new Sequential(new Linear(3, 2), new BatchNorm2d(2));
        dev.adjoint.io.Checkpoints.load(back, link);
        assertThat(back.parameters().get(0).toDoubleArray()).containsExactly(model.parameters().get(0).toDoubleArray());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("real.safetensors", "link.safetensors");
        }
    }

    // 11. optimizer hyper-parameters and state
    @Test
    void optimizersRejectNonFiniteSettingsAndForeignState() {
        List<Parameter> ps = new Linear(2, 2).parameters();
        assertThatThrownBy(() -> new SGD(ps, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> new SGD(ps, 0.1, Double.NaN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("momentum");
        assertThatThrownBy(() -> new Adam(ps, 0.1, Double.NaN, 0.999, 1e-8, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("betas");
        SGD sgd = new SGD(ps, 0.1, 0.9);
        assertThatThrownBy(() -> sgd.setLr(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        Adam adam = new Adam(ps, 0.01);
        for (Parameter p : ps) {
            p.setGrad(Tensor.ones(p.shape()));
        }
        adam.step();
        Map<String, Tensor> adamState = adam.stateDict();
        assertThatThrownBy(() -> sgd.loadStateDict(adamState)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another optimizer");
        Map<String, Tensor> bad = new java.util.LinkedHashMap<>(sgd.stateDict());
        bad.put("lr", Tensor.scalar(-5, DType.FLOAT64));
        assertThatThrownBy(() -> sgd.loadStateDict(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learning rate");
        bad.put("lr", Tensor.scalar(Double.NaN, DType.FLOAT64));
        assertThatThrownBy(() -> sgd.loadStateDict(bad)).isInstanceOf(IllegalArgumentException.class);
        assertThat(sgd.lr()).as("nothing loaded").isEqualTo(0.1);
    }

    // 13. anomaly mode in forward
    @Test
    void anomalyModeCatchesANaNMadeInForward() {
        Tensor x = Tensor.of(DType.FLOAT64, new double[] {1, -1}, 2).requiresGrad(true);
        try (GradMode.Scope a = AnomalyMode.enabled()) {
            assertThatThrownBy(() -> x.log()).isInstanceOf(IllegalStateException.class).hasMessageContaining("Log#").hasMessageContaining("forward")
                    .hasMessageContaining("NoSilentWrongResultsTest");
            Tensor nanInput = Tensor.of(DType.FLOAT64, new double[] {Double.NaN, 1}, 2).requiresGrad(true);
            assertThat(nanInput.exp().toDoubleArray()[0]).as("a NaN that came in is not the op's doing").isNaN();
        }
        assertThat(x.log().toDoubleArray()[1]).as("off again: no check").isNaN();
    }

    private static Map<String, Tensor> copies(Map<String, Tensor> m) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    // ---------------------------------------------------------------- round 2 (issue 23)

    // BCELoss at probabilities of exactly 0 and 1
    @Test
    void bceLossHasFiniteGradientsWhereASigmoidSaturates() {
        // a float32 sigmoid is exactly 1.0 from a logit of about 17 and exactly 0 below about -104
        Tensor logits = Tensor.of(DType.FLOAT32, new double[] {-120, -40, -17, 0, 17, 40}, 6).requiresGrad(true);
        for (double target : new double[] {0, 1, 0.5}) {
            Tensor p = logits.sigmoid();
            assertThat(p.toDoubleArray()).contains(0.0, 1.0);
            Tensor loss = new Losses.BCELoss().forward(p, Tensor.full(DType.FLOAT32, target, 6));
            Tensor g = dev.adjoint.autograd.Autograd.grad(new Tensor[] {loss}, new Tensor[] {logits}, null, false, false)[0];
            assertThat(loss.item()).as("target " + target).isFinite();
            for (double v : g.toDoubleArray()) {
                assertThat(v).as("gradient, target " + target).isFinite();
            }
        }
    }

    @Test
    void bceLossGradientsMatchFiniteDifferencesInTheInterior() {
        Tensor p = Tensor.of(DType.FLOAT64, new double[] {0.1, 0.45, 0.8, 0.97, 0.3, 0.6}, 2, 3).requiresGrad(true);
        Tensor t = Tensor.of(DType.FLOAT64, new double[] {0, 1, 0.25, 1, 0.5, 0}, 2, 3).requiresGrad(true);
        GradCheck.assertGradients(in -> F.binaryCrossEntropy(in[0], in[1]), p, t);
        GradCheck.assertSecondOrder(in -> F.binaryCrossEntropy(in[0], in[1]), p, t);
    }

    @Test
    void bceLossRefusesValuesThatAreNotProbabilities() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 3);
        for (double[] bad : new double[][] {{0.5, 1.5, 0}, {-0.1, 0.5, 0.5}, {0.5, Double.NaN, 0.5}}) {
            assertThatThrownBy(() -> F.binaryCrossEntropy(Tensor.of(DType.FLOAT32, bad, 3), t)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("binaryCrossEntropy").hasMessageContaining("[0, 1]");
        }
    }

    // loops that cannot silently train nothing
    @Test
    void aBatchSizeNearIntMaxGivesOneBatchOfEverything() {
        dev.adjoint.data.TensorDataset data = new dev.adjoint.data.TensorDataset(new float[64 * 4], new int[64], 4);
        dev.adjoint.data.DataLoader loader = new dev.adjoint.data.DataLoader(data, Integer.MAX_VALUE, true, 0, false);
        assertThat(loader.batches()).isEqualTo(1);
        int batches = 0;
        for (dev.adjoint.data.Batch b : loader) {
            assertThat(b.size()).isEqualTo(64);
            batches++;
        }
        assertThat(batches).isEqualTo(1);
        assertThat(new dev.adjoint.data.DataLoader(data, Integer.MAX_VALUE, true, 0, true).batches()).isZero();
        assertThat(new dev.adjoint.data.DataLoader(data, Integer.MAX_VALUE - 1, false, 0, false).batches()).isEqualTo(1);
    }

    // layer arguments checked when the layer is made, with PyTorch's words
    @Test
    void layersRejectImpossibleWindowsWhenTheyAreMade() {
        assertThatThrownBy(() -> new Conv2d(1, 6, 5, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conv2d").hasMessageContaining("non-positive stride");
        assertThatThrownBy(() -> new Conv2d(1, 6, 5, 1, -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conv2d").hasMessageContaining("negative padding");
        assertThatThrownBy(() -> new Conv2d(1, 6, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kernel size");
        assertThatThrownBy(() -> new ConvTranspose2d(4, 2, 3, 2, 1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConvTranspose2d").hasMessageContaining("outputPadding");
        assertThatThrownBy(() -> new MaxPool2d(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MaxPool2d")
                .hasMessageContaining("kernelSize");
        assertThatThrownBy(() -> new AvgPool2d(new int[] {2, 2}, new int[] {0, 1}, new int[] {0, 0}, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AvgPool2d").hasMessageContaining("stride");
        assertThatThrownBy(() -> new MaxPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most half");
        assertThat(new ConvTranspose2d(4, 2, 3, 2, 1, 1).forward(Tensor.zeros(1, 4, 3, 3)).shape()).containsExactly(1, 2, 6, 6);
    }

    @Test
    void convolutionsTooLargeForAnArrayAreClearErrors() {
        Tensor x = Tensor.zeros(1, 1, 5, 5);
        Tensor w = Tensor.zeros(1, 1, 3, 3);
        assertThatThrownBy(() -> F.conv2d(x, w, null, new int[] {1, 1}, new int[] {100_000, 100_000}, new int[] {1, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv2d").hasMessageContaining("[1, 1, 200003, 200003]");
        assertThatThrownBy(() -> F.convTranspose2d(x, w, null, new int[] {60_000, 60_000}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("convTranspose2d").hasMessageContaining("more than");
    }

    // empty batches where PyTorch takes them, a clear error where its answer is NaN
    @Test
    void linearTakesAnEmptyBatchAndTheLossesRefuseOne() {
        Init.manualSeed(0);
        Linear l = new Linear(400, 120);
        Tensor y = new Sequential(l, new ReLU()).forward(Tensor.zeros(0, 400));
        assertThat(y.shape()).containsExactly(0, 120);
        y.sum().backward();
        assertThat(l.weight.grad().toDoubleArray()).containsOnly(0.0);
        assertThat(l.weight.grad().shape()).containsExactly(120, 400);
        assertThatThrownBy(() -> F.crossEntropy(Tensor.zeros(0, 10), new int[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crossEntropy").hasMessageContaining("[0, 10]").hasMessageContaining("empty");
    }

    @Test
    void factoriesRejectNegativeSizesAndUncountableRanges() {
        assertThatThrownBy(() -> Tensor.zeros(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Tensor.zeros")
                .hasMessageContaining("negative dimension -1");
        assertThatThrownBy(() -> Tensor.ones(3, -2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> Tensor.randn(0, DType.FLOAT32, 1 << 20, 1 << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more elements");
        assertThatThrownBy(() -> Tensor.arange(0, 1e10, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arange")
                .hasMessageContaining("10000000000");
        assertThatThrownBy(() -> Tensor.arange(0, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        assertThat(Tensor.zeros(0, 3).shape()).containsExactly(0, 3);
    }

    @Test
    void batchNorm1dErrorsNameBatchNorm1dAndTheCallersShape() {
        BatchNorm1d bn = new BatchNorm1d(4);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(1, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BatchNorm1d").hasMessageContaining("[1, 4]").hasMessageNotContaining("batchNorm2d");
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(DType.FLOAT64, 3, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BatchNorm1d").hasMessageContaining("float64");
        bn.eval();
        assertThat(bn.forward(Tensor.zeros(1, 4)).shape()).containsExactly(1, 4);
    }

    // saves that cannot lose a trained model
    @Test
    void aSaveRemovesTheTemporaryFilesOfCrashedSavesOnly(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("m.safetensors");
        Path legacy = Files.writeString(dir.resolve(".m.safetensors.1a2b3c.tmp"), "left by a save killed mid-write");
        Path deadProcess = Files.writeString(dir.resolve(".m.safetensors." + deadPid() + ".9f.tmp"), "left by a save killed mid-write");
        Path live = Files.writeString(dir.resolve(".m.safetensors." + ProcessHandle.current().pid() + ".77.tmp"), "a save in progress");
        Path other = Files.writeString(dir.resolve(".other.safetensors.1a2b3c.tmp"), "another target's");
        Init.manualSeed(0);
        dev.adjoint.io.Checkpoints.save(new Linear(2, 2), target);
        assertThat(legacy).doesNotExist();
        assertThat(deadProcess).doesNotExist();
        assertThat(live).exists();
        assertThat(other).exists();
        assertThat(target).exists();
    }

    @Test
    void checkpointPathsThatAreFoldersAreErrorsNamingThem(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("ckpt"));
        assertThatThrownBy(() -> dev.adjoint.io.Checkpoints.save(new Linear(2, 2), folder)).isInstanceOf(IOException.class)
                .hasMessageContaining(folder.toString()).hasMessageContaining("folder");
        assertThatThrownBy(() -> dev.adjoint.io.Checkpoints.load(new Linear(2, 2), folder)).isInstanceOf(IOException.class)
                .hasMessageContaining(folder.toString()).hasMessageContaining("folder");
        Path underAFile = Files.writeString(dir.resolve("file"), "x").resolve("m.safetensors");
        assertThatThrownBy(() -> dev.adjoint.io.Checkpoints.save(new Linear(2, 2), underAFile)).isInstanceOf(IOException.class)
                .hasMessageContaining(underAFile.toString());
    }

    @Test
    void metadataTravelsWithTheCheckpoint(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.safetensors");
        Init.manualSeed(0);
        Linear l = new Linear(2, 3);
        dev.adjoint.io.Checkpoints.save(l, f, Map.of("classes", dev.adjoint.io.Checkpoints.encodeList(List.of("cat", "dog", "a \"quoted\" one"))));
        assertThat(dev.adjoint.io.Checkpoints.decodeList(dev.adjoint.io.Checkpoints.metadata(f).get("classes")))
                .containsExactly("cat", "dog", "a \"quoted\" one");
        assertThat(dev.adjoint.io.Checkpoints.read(f).keySet()).containsExactly("weight", "bias");
        assertThat(dev.adjoint.io.Checkpoints.sizeOf(l)).isBetween(Files.size(f) - 200, Files.size(f) + 200);
    }

    // system properties checked before any of them acts
    @Test
    void aMistypedPropertyIsAnErrorNamingIt() {
        for (String[] p : new String[][] {{"adjoint.threads", "0"}, {"adjoint.threads", "abc"}, {"adjoint.kernels", "bogus"},
            {"adjoint.openblas.core", "x"}}) {
            String before = System.getProperty(p[0]);
            System.setProperty(p[0], p[1]);
            try {
                assertThatThrownBy(dev.adjoint.kernels.Settings::checkAll).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("-D" + p[0] + "=" + p[1]);
            } finally {
                if (before == null) {
                    System.clearProperty(p[0]);
                } else {
                    System.setProperty(p[0], before);
                }
            }
        }
        dev.adjoint.kernels.Settings.checkAll();
    }

    /** A process id that no running process has. */
    private static long deadPid() {
        long pid = 999_999_937L;
        while (ProcessHandle.of(pid).isPresent()) {
            pid--;
        }
        return pid;
    }
}
