package dev.adjoint.data;

import dev.adjoint.data.transforms.Image;
import dev.adjoint.data.transforms.Transform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images in class folders, as torchvision's {@code ImageFolder}: {@code root/<class>/<image>} with
 * the classes sorted by folder name (class index = position), and PNG, JPEG, BMP or GIF files (read
 * with {@code javax.imageio}) sorted by name within each. Each image becomes {@code [channels, H, W]}
 * float32 values in [0, 1] (1 channel: luminance {@code 0.299 R + 0.587 G + 0.114 B}, as PIL's
 * {@code convert("L")}; 3: RGB; alpha is dropped), then goes through the transform every time it is
 * handed out (random transforms draw from this data set's seeded generator).
 *
 * <p>Every file is read and checked when the data set is opened: an unreadable, empty or non-image
 * file, or images whose transformed sizes differ (use a {@code Resize}), is an {@link IOException}
 * naming the file; a class folder with no image is one naming the folder.
 */
public final class ImageFolder implements Dataset {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private final Path root;
    private final List<String> classes;
    private final List<Path> files = new ArrayList<>();
    private final List<Image> images = new ArrayList<>();
    private final int[] labels;
    private final Transform transform;
    private final Random random;
    private final long[] shape;

    /**
     * @param channels 1 (grayscale) or 3 (RGB)
     * @param transform applied to every image as it is handed out; null for none
     * @param seed for the random transforms
     */
    public ImageFolder(Path root, int channels, Transform transform, long seed) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("ImageFolder: channels must be 1 (grayscale) or 3 (RGB), got " + channels);
        }
        if (!Files.isDirectory(root)) {
            throw new IOException("ImageFolder: " + root + " is not a folder");
        }
        this.root = root;
        this.transform = transform == null ? (image, r) -> image : transform;
        this.random = new Random(seed);
        List<String> names = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).forEach(d -> names.add(d.getFileName().toString()));
        }
        Collections.sort(names);
        if (names.isEmpty()) {
            throw new IOException("ImageFolder: " + root + " has no class folders (expected root/<class>/<image files>)");
        }
        this.classes = List.copyOf(names);
        List<Integer> y = new ArrayList<>();
        long[] first = null;
        Random probe = new Random(seed);
        for (int c = 0; c < names.size(); c++) {
            Path dir = root.resolve(names.get(c));
            List<Path> inClass;
            try (Stream<Path> entries = Files.list(dir)) {
                inClass = entries.filter(p -> Files.isRegularFile(p) && isImageName(p)).sorted().toList();
            }
            if (inClass.isEmpty()) {
                throw new IOException("ImageFolder: class folder " + dir + " holds no image file (" + String.join(", ", EXTENSIONS) + ")");
            }
            for (Path p : inClass) {
                Image image = read(p, channels);
                Image shaped = this.transform.apply(image, probe);
                long[] s = {shaped.channels(), shaped.height(), shaped.width()};
                if (first == null) {
                    first = s;
                } else if (!Arrays.equals(first, s)) {
                    throw new IOException("ImageFolder: " + p + " is " + Arrays.toString(s) + " after the transform, but " + files.get(0) + " is "
                            + Arrays.toString(first) + "; add a Resize (and a crop) so that every image has one size");
                }
                files.add(p);
                images.add(image);
                y.add(c);
            }
        }
        this.shape = first;
        this.labels = y.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Grayscale images without a transform. */
    public ImageFolder(Path root) throws IOException {
        this(root, 1, null, 0);
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /** One image file as {@code [channels, H, W]} in [0, 1]; an IOException naming the file when it is not one. */
    public static Image read(Path file, int channels) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException(file + ": cannot be read");
        }
        if (Files.size(file) == 0) {
            throw new IOException(file + ": is empty (0 bytes), not an image");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(file + ": not an image javax.imageio can read (PNG, JPEG, BMP, GIF)");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        float[] data = new float[channels * h * w];
        boolean gray = img.getColorModel().getNumColorComponents() == 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (gray) { // the raster's own sample, not the sRGB-converted one
                    float v = img.getRaster().getSample(x, y, 0) / (float) ((1 << img.getColorModel().getComponentSize(0)) - 1);
                    for (int c = 0; c < channels; c++) {
                        data[(c * h + y) * w + x] = v;
                    }
                    continue;
                }
                int rgb = img.getRGB(x, y);
                float r = ((rgb >> 16) & 0xff) / 255f;
                float g = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                if (channels == 1) {
                    data[y * w + x] = Math.round(255 * (0.299f * r + 0.587f * g + 0.114f * b)) / 255f;
                } else {
                    data[y * w + x] = r;
                    data[(h + y) * w + x] = g;
                    data[(2 * h + y) * w + x] = b;
                }
            }
        }
        return new Image(channels, h, w, data);
    }

    /** Class names in index order. */
    public List<String> classes() {
        return classes;
    }

    /** The file of example {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public long[] exampleShape() {
        return shape.clone();
    }

    @Override
    public void copyInput(int index, float[] dest, int offset) {
        Image out = transform.apply(images.get(index), random);
        System.arraycopy(out.data(), 0, dest, offset, out.data().length);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public String toString() {
        return "ImageFolder(" + root + ", " + size() + " images, classes " + classes + ", shape " + Arrays.toString(shape) + ")";
    }
}
