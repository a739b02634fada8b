package dev.adjoint.examples;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.Batch;
import dev.adjoint.data.DataLoader;
import dev.adjoint.data.TensorDataset;
import dev.adjoint.io.Checkpoints;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.ConvTranspose2d;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Module;
import dev.adjoint.layers.ReLU;
import dev.adjoint.layers.Sequential;
import dev.adjoint.layers.Sigmoid;
import dev.adjoint.ops.F;
import dev.adjoint.optim.Adam;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;

/**
 * A convolutional autoencoder on MNIST: strided convolutions squeeze 28x28 to 32 maps of 7x7,
 * and transposed convolutions (the convolutions' adjoints) expand them back.
 */
public final class Autoencoder {
    private Autoencoder() {
    }

    public static Sequential model() {
        return new Sequential(
                new Conv2d(1, 16, 3, 2, 1), new ReLU(),
                new Conv2d(16, 32, 3, 2, 1), new ReLU(),
                new ConvTranspose2d(32, 16, 3, 2, 1, 1), new ReLU(),
                new ConvTranspose2d(16, 1, 3, 2, 1, 1), new Sigmoid());
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options("autoencoder", "Trains a convolutional autoencoder (ConvTranspose2d decoder) on MNIST; reports test MSE.")
                .intOption("epochs", "1", 1, "passes over the training images")
                .intOption("batch-size", "64", 1, "examples per step")
                .numberOption("lr", "0.001", 0, 1e6, "Adam learning rate")
                .mnistOptions("out/autoencoder");
        if (!o.parse(args)) {
            return;
        }
        long seed = o.getInt("seed");
        TensorDataset[] data = MnistFiles.load(o);
        TensorDataset train = data[0];
        TensorDataset test = data[1];
        Init.manualSeed(seed);
        Sequential model = model();
        Guards.requireExamples("autoencoder", "training set", train);
        if (o.get("save") != null) {
            Guards.requireRoom("autoencoder", "save", Path.of(o.get("save")), Checkpoints.sizeOf(model));
        }
        System.out.println(model);
        Adam optimizer = new Adam(model.parameters(), o.getDouble("lr"));
        DataLoader loader = new DataLoader(train, o.getInt("batch-size"), true, seed, false);
        Guards.requireBatches("autoencoder", loader);
        List<Double> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        double mse = 0;
        for (int epoch = 1; epoch <= o.getInt("epochs"); epoch++) {
            double sum = 0;
            int seen = 0;
            int step = 0;
            long start = System.nanoTime();
            try (ProgressBar bar = Bars.epoch(epoch, loader.batches())) {
                for (Batch b : loader) {
                    Tensor loss = F.mseLoss(model.forward(b.inputs()), b.inputs());
                    optimizer.zeroGrad();
                    loss.backward();
                    optimizer.step();
                    double l = loss.item();
                    Guards.requireFinite("autoencoder", "loss", l, epoch, ++step, "try a smaller --lr (now " + o.get("lr") + ")");
                    sum += l * b.size();
                    seen += b.size();
                    steps.add((double) steps.size());
                    losses.add(l);
                    bar.step();
                    bar.setExtraMessage(String.format("mse %.5f, %.0f img/s", sum / seen, seen / ((System.nanoTime() - start) / 1e9)));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            mse = testMse(model, test);
            System.out.printf("epoch %d: train mse %.5f, test mse %.5f, time %.1f s%n", epoch, sum / seen, mse, seconds);
        }
        Path out = Path.of(o.get("out"));
        Plots.line(out.resolve("loss.png"), "Autoencoder training loss", "step", "mse", steps, losses);
        writeGrid(model, test, out.resolve("reconstructions.png"));
        System.out.println("plots: " + out.resolve("loss.png") + ", " + out.resolve("reconstructions.png"));
        if (o.get("save") != null) {
            Guards.saveOrFallback("autoencoder", model, Path.of(o.get("save")), java.util.Map.of());
        }
        System.out.printf("test mse: %.5f%n", mse);
    }

    static double testMse(Module model, TensorDataset test) {
        double sum = 0;
        try (GradMode.Scope g = GradMode.disabled()) {
            for (Batch b : new DataLoader(test, 1000)) {
                sum += F.mseLoss(model.forward(b.inputs()), b.inputs()).item() * b.size();
            }
        }
        return sum / test.size();
    }

    /** Two rows of 16 test digits: originals on top, reconstructions below, 2x enlarged. */
    static void writeGrid(Module model, TensorDataset test, Path file) throws Exception {
        int n = 16;
        int scale = 2;
        Batch b = new DataLoader(test.head(n), n).iterator().next();
        double[] orig = b.inputs().toDoubleArray();
        double[] rec;
        try (GradMode.Scope g = GradMode.disabled()) {
            rec = model.forward(b.inputs()).toDoubleArray();
        }
        BufferedImage img = new BufferedImage(n * 28 * scale, 2 * 28 * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int k = 0; k < n; k++) {
            for (int y = 0; y < 28 * scale; y++) {
                for (int x = 0; x < 28 * scale; x++) {
                    int idx = k * 784 + (y / scale) * 28 + x / scale;
                    img.getRaster().setSample(k * 28 * scale + x, y, 0, (int) Math.round(255 * orig[idx]));
                    img.getRaster().setSample(k * 28 * scale + x, 28 * scale + y, 0, (int) Math.round(255 * Math.min(1, Math.max(0, rec[idx]))));
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
