package dev.adjoint.examples;

import dev.adjoint.Tensor;
import dev.adjoint.autograd.GradMode;
import dev.adjoint.data.ImageFolder;
import dev.adjoint.data.transforms.Image;
import dev.adjoint.data.transforms.Resize;
import dev.adjoint.data.transforms.Transform;
import dev.adjoint.io.Checkpoints;
import dev.adjoint.layers.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Classifies image files with a trained LeNet: {@code predict --load lenet.safetensors PATH...}, where
 * a PATH is an image, a folder of images, or a folder of class folders (then the last line is the
 * accuracy). Classes are named as the checkpoint records them ({@code lenet --save} writes the
 * training set's class names into it); a checkpoint without names means the digits 0-9. Images are converted as the training data was: grayscale, 28x28 (resized
 * when needed), values in [0, 1].
 */
final class Predict {
    /** What an image file goes through to look like an MNIST digit to LeNet. */
    static final Transform TO_MNIST = new Resize(28, 28);

    private Predict() {
    }

    public static void main(String[] args) throws Exception {
        List<String> paths = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                options.add(args[i]);
                if (i + 1 < args.length && !args[i].equals("--help")) {
                    options.add(args[++i]);
                }
            } else {
                paths.add(args[i]);
            }
        }
        Options o = new Options("predict", "Classifies image files with a LeNet checkpoint: predict --load lenet.safetensors PATH...")
                .inputFileOption("load", "the LeNet weights (lenet --save)");
        if (!o.parse(options.toArray(new String[0]))) {
            return;
        }
        if (o.get("load") == null) {
            throw new Options.Invalid("predict: --load FILE is required (a checkpoint written by lenet --save)");
        }
        if (paths.isEmpty()) {
            throw new Options.Invalid("predict: give at least one image file or folder");
        }
        Path checkpoint = Path.of(o.get("load"));
        Sequential model = LeNet.model();
        Checkpoints.load(model, checkpoint);
        model.eval();
        List<String> names = classNames(checkpoint);
        int right = 0;
        int labelled = 0;
        for (String p : paths) {
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                throw new Options.Invalid("predict: " + p + " does not exist");
            }
            if (Files.isDirectory(path) && hasSubfolders(path)) {
                // labelled by the checkpoint's class names, so a folder holding only some classes keeps their meaning
                ImageFolder folder = ImageFolder.builder(path).transform(TO_MNIST).classes(names).build();
                for (int i = 0; i < folder.size(); i++) {
                    float[] x = new float[784];
                    folder.copyInput(i, x, 0);
                    int predicted = report(model, names, folder.file(i), x);
                    labelled++;
                    right += predicted == folder.label(i) ? 1 : 0;
                }
            } else {
                List<Path> files = Files.isDirectory(path) ? images(path) : List.of(path);
                if (files.isEmpty()) {
                    throw new Options.Invalid("predict: " + p + " holds no image files (.png, .jpg, .jpeg, .bmp, .gif) and no class folders");
                }
                for (Path file : files) {
                    Image img = TO_MNIST.transform(ImageFolder.read(file, 1), new Random(0));
                    report(model, names, file, img.data());
                }
            }
        }
        if (labelled > 0) {
            System.out.printf(Locale.ROOT, "accuracy: %.4f%n", right / (double) labelled);
        }
    }

    /**
     * The class names the checkpoint was trained with ({@code lenet --save} records them), else the
     * digits: then a class folder must be named by its class index.
     */
    static List<String> classNames(Path checkpoint) throws java.io.IOException {
        String recorded = Checkpoints.metadata(checkpoint).get("classes");
        if (recorded == null) {
            return LeNet.DIGITS;
        }
        List<String> names;
        try {
            names = Checkpoints.decodeList(recorded);
        } catch (java.io.IOException e) {
            throw new java.io.IOException(checkpoint + ": its class names are unreadable (" + e.getMessage() + ")", e);
        }
        if (names.isEmpty() || names.size() > LeNet.CLASSES) {
            throw new java.io.IOException(checkpoint + ": it names " + names.size() + " classes; LeNet has " + LeNet.CLASSES + " outputs");
        }
        return names;
    }

    private static boolean hasSubfolders(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(Files::isDirectory);
        }
    }

    private static List<Path> images(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|gif)"))
                    .sorted().toList();
        }
    }

    /** Prints {@code PATH: CLASS (confidence C)} and returns the class index. */
    private static int report(Sequential model, List<String> names, Path file, float[] x) {
        double[] p;
        try (GradMode.Scope g = GradMode.disabled()) {
            double[] v = new double[784];
            for (int i = 0; i < 784; i++) {
                v[i] = x[i];
            }
            p = model.forward(Tensor.of(v, 1, 1, 28, 28)).softmax(1).toDoubleArray();
        }
        int best = 0;
        for (int c = 1; c < names.size(); c++) { // outputs beyond the trained classes are not answers
            if (p[c] > p[best]) {
                best = c;
            }
        }
        System.out.printf(Locale.ROOT, "%s: %s (confidence %.3f)%n", file, names.get(best), p[best]);
        return best;
    }
}
