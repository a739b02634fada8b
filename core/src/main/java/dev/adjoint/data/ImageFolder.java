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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images in class folders, as torchvision's {@code ImageFolder}: {@code root/<class>/<image>} with
 * the classes sorted by folder name (class index = position), and PNG, JPEG, BMP or GIF files (read
 * with {@code javax.imageio}) sorted by name within each. Each image becomes {@code [channels, H, W]}
 * float32 values in [0, 1] (1 channel: luminance {@code 0.299 R + 0.587 G + 0.114 B}, as PIL's
 * {@code convert("L")}; 3: RGB; alpha is dropped). The transform's leading steps that draw nothing
 * from the generator ({@code Resize}, {@code CenterCrop}, {@code Normalize}) run once, as the file
 * is read, so the images are kept at the size they are used at; the rest (random crops and flips)
 * run every time an image is handed out, drawing from this data set's seeded generator.
 *
 * <p>{@link #builder(Path)} takes what the constructors do not: the class list of another data set
 * (a test folder holding only some classes is labelled by the training set's numbering) and the
 * pixel limit ({@link #DEFAULT_MAX_PIXELS}, checked from each file's header before decoding).
 *
 * <p>Every file is read and checked when the data set is opened: an unreadable, empty or non-image
 * file, or images whose transformed sizes differ (use a {@code Resize}), is an {@link IOException}
 * naming the file; a class folder with no image is one naming the folder.
 */
public final class ImageFolder implements Dataset {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    /**
     * The default limit on an image's width times height: 8192 x 8192 (64 megapixels, 256 MB as
     * float RGB). Larger images are rejected from their header, before any pixel is decoded, so a
     * small file that declares a huge image (a decompression bomb) cannot exhaust memory.
     */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    private final Path root;
    private final List<String> classes;
    private final List<Path> files = new ArrayList<>();
    private final List<Image> images = new ArrayList<>();
    private final int[] labels;
    private final Transform perItem;
    private final Random random;
    private final long[] shape;

    /**
     * @param channels 1 (grayscale) or 3 (RGB)
     * @param transform applied to every image as it is handed out; null for none
     * @param seed for the random transforms
     */
    public ImageFolder(Path root, int channels, Transform transform, long seed) throws IOException {
        this(builder(root).channels(channels).transform(transform).seed(seed));
    }

    /** Grayscale images without a transform. */
    public ImageFolder(Path root) throws IOException {
        this(builder(root));
    }

    /** Options beyond the constructors': the class list of another data set, the pixel limit. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** Collects the options of an {@link ImageFolder}; {@link #build()} reads the folder. */
    public static final class Builder {
        private final Path root;
        private int channels = 1;
        private Transform transform;
        private long seed;
        private List<String> classes;
        private long maxPixels = DEFAULT_MAX_PIXELS;

        private Builder(Path root) {
            this.root = root;
        }

        /** 1 (grayscale, the default) or 3 (RGB). */
        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        /** Applied to every image; null (the default) for none. */
        public Builder transform(Transform transform) {
            this.transform = transform;
            return this;
        }

        /** Seed of the random transforms (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Labels by this class list (usually the training set's {@link ImageFolder#classes()})
         * instead of this folder's own: a test folder that holds only some of the classes keeps the
         * training set's numbering, and a class folder that is not in the list is an error naming it.
         */
        public Builder classes(List<String> classes) {
            this.classes = classes == null ? null : List.copyOf(classes);
            return this;
        }

        /** The largest width x height accepted (default {@link #DEFAULT_MAX_PIXELS}). */
        public Builder maxPixels(long maxPixels) {
            if (maxPixels < 1) {
                throw new IllegalArgumentException("ImageFolder: maxPixels must be at least 1, got " + maxPixels);
            }
            this.maxPixels = maxPixels;
            return this;
        }

        public ImageFolder build() throws IOException {
            return new ImageFolder(this);
        }
    }

    private ImageFolder(Builder b) throws IOException {
        if (b.channels != 1 && b.channels != 3) {
            throw new IllegalArgumentException("ImageFolder: channels must be 1 (grayscale) or 3 (RGB), got " + b.channels);
        }
        if (!Files.isDirectory(b.root)) {
            throw new IOException("ImageFolder: " + b.root + (Files.exists(b.root) ? " is a file, not a folder" : " does not exist"));
        }
        this.root = b.root;
        // What draws nothing from the generator (a resize, a centre crop) runs once, here, so the
        // images are kept at the size the transforms produce rather than the files'.
        Transform all = b.transform == null ? Transform.compose() : Transform.compose(b.transform);
        Transform fixed = ((Transform.Compose) all).fixedPrefix();
        this.perItem = ((Transform.Compose) all).rest();
        this.random = new Random(b.seed);
        List<String> names = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).forEach(d -> names.add(d.getFileName().toString()));
        }
        Collections.sort(names);
        if (names.isEmpty()) {
            throw new IOException("ImageFolder: " + root + " has no class folders (expected root/<class>/<image files>)");
        }
        if (b.classes != null) {
            for (String n : names) {
                if (!b.classes.contains(n)) {
                    throw new IOException("ImageFolder: class folder " + root.resolve(n) + " is not one of the given classes " + b.classes
                            + " (e.g. the training set's)");
                }
            }
        }
        this.classes = b.classes != null ? b.classes : List.copyOf(names);
        List<Integer> y = new ArrayList<>();
        long[] first = null;
        Random probe = new Random(b.seed);
        for (String name : names) {
            Path dir = root.resolve(name);
            List<Path> inClass;
            try (Stream<Path> entries = Files.list(dir)) {
                inClass = entries.filter(p -> Files.isRegularFile(p) && isImageName(p)).sorted().toList();
            }
            if (inClass.isEmpty()) {
                throw new IOException("ImageFolder: class folder " + dir + " holds no image file (" + String.join(", ", EXTENSIONS) + ")");
            }
            for (Path p : inClass) {
                Image image = fixed.transform(read(p, b.channels, b.maxPixels), probe);
                Image shaped = perItem.transform(image, probe);
                long[] s = {shaped.channels(), shaped.height(), shaped.width()};
                if (first == null) {
                    first = s;
                } else if (!Arrays.equals(first, s)) {
                    throw new IOException("ImageFolder: " + p + " is " + Arrays.toString(s) + " after the transform, but " + files.get(0) + " is "
                            + Arrays.toString(first) + "; add a Resize (and a crop) so that every image has one size");
                }
                files.add(p);
                images.add(image);
                y.add(classes.indexOf(name));
            }
        }
        this.shape = first;
        this.labels = y.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /** One image file as {@code [channels, H, W]} in [0, 1], at most {@link #DEFAULT_MAX_PIXELS}. */
    public static Image read(Path file, int channels) throws IOException {
        return read(file, channels, DEFAULT_MAX_PIXELS);
    }

    /**
     * One image file as {@code [channels, H, W]} in [0, 1]; an IOException naming the file when it
     * is not one, or when its header declares more than {@code maxPixels} pixels (checked before decoding).
     */
    public static Image read(Path file, int channels, long maxPixels) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException(file + ": cannot be read");
        }
        if (Files.size(file) == 0) {
            throw new IOException(file + ": is empty (0 bytes), not an image");
        }
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(file + ": not an image javax.imageio can read (PNG, JPEG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > maxPixels) {
                    throw new IOException(file + ": " + w + "x" + h + " pixels is over the limit of " + maxPixels
                            + " pixels (ImageFolder.builder(root).maxPixels(n) raises it)");
                }
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
                    : new IOException(file + ": not a readable image (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a readable image (" + e + ")", e);
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
        Image out = perItem.transform(images.get(index), random);
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
