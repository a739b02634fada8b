package dev.adjoint.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.adjoint.data.transforms.CenterCrop;
import dev.adjoint.data.transforms.Image;
import dev.adjoint.data.transforms.Normalize;
import dev.adjoint.data.transforms.RandomCrop;
import dev.adjoint.data.transforms.RandomHorizontalFlip;
import dev.adjoint.data.transforms.Resize;
import dev.adjoint.data.transforms.Transform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageFolder on generated PNG/BMP files, each transform, and every bad-file case. */
class ImageFolderTest {
    /** A gray image whose pixel (x, y) is (x * 16 + y * 3 + salt) % 256. */
    private static BufferedImage gray(int w, int h, int salt) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 16 + y * 3 + salt) % 256);
            }
        }
        return img;
    }

    private static void write(BufferedImage img, Path file, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
    }

    @Test
    void readsClassFoldersSortedWithValuesInUnitRange(@TempDir Path root) throws IOException {
        write(gray(5, 4, 0), root.resolve("cat/b.png"), "png");
        write(gray(5, 4, 7), root.resolve("cat/a.png"), "png");
        write(gray(5, 4, 9), root.resolve("ant/x.bmp"), "bmp");
        Files.writeString(root.resolve("ant/notes.txt"), "not an image and not named like one");
        ImageFolder data = new ImageFolder(root);
        assertThat(data.classes()).containsExactly("ant", "cat");
        assertThat(data.size()).isEqualTo(3);
        assertThat(data.exampleShape()).containsExactly(1, 4, 5);
        assertThat(new int[] {data.label(0), data.label(1), data.label(2)}).containsExactly(0, 1, 1);
        assertThat(data.file(1).getFileName().toString()).isEqualTo("a.png");
        float[] v = new float[20];
        data.copyInput(1, v, 0);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                assertThat(v[y * 5 + x]).isCloseTo(((x * 16 + y * 3 + 7) % 256) / 255f, within(1e-7f));
            }
        }
        Batch b = new DataLoader(data, 2).iterator().next();
        assertThat(b.inputs().shape()).containsExactly(2, 1, 4, 5);
    }

    @Test
    void rgbImagesGiveThreeChannelsOrLuminance(@TempDir Path root) throws IOException {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xff8000);
        rgb.setRGB(1, 0, 0x0000ff);
        write(rgb, root.resolve("a/p.png"), "png");
        Image three = ImageFolder.read(root.resolve("a/p.png"), 3);
        assertThat(three.data()).containsExactly(new float[] {1, 0, 128 / 255f, 0, 0, 1}, within(1e-7f));
        Image one = ImageFolder.read(root.resolve("a/p.png"), 1);
        assertThat(one.data()[0]).isCloseTo(Math.round(255 * (0.299f + 0.587f * 128 / 255f)) / 255f, within(1e-7f));
    }

    @Test
    void badFilesAndFoldersAreIOExceptionsNamingThem(@TempDir Path root) throws IOException {
        write(gray(3, 3, 0), root.resolve("a/ok.png"), "png");
        Path empty = Files.createFile(root.resolve("a/empty.png"));
        assertThatThrownBy(() -> new ImageFolder(root)).isInstanceOf(IOException.class).hasMessageContaining(empty.toString()).hasMessageContaining("0 bytes");
        Files.delete(empty);
        Path text = root.resolve("a/text.png");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> new ImageFolder(root)).isInstanceOf(IOException.class).hasMessageContaining(text.toString())
                .hasMessageContaining("not an image");
        Files.delete(text);
        write(gray(4, 3, 0), root.resolve("a/wide.png"), "png");
        assertThatThrownBy(() -> new ImageFolder(root)).isInstanceOf(IOException.class).hasMessageContaining("wide.png").hasMessageContaining("Resize");
        assertThat(new ImageFolder(root, 1, new Resize(3, 3), 0).size()).as("with a Resize the sizes agree").isEqualTo(2);
        Path none = Files.createDirectories(root.resolve("b"));
        assertThatThrownBy(() -> new ImageFolder(root, 1, new Resize(3, 3), 0)).isInstanceOf(IOException.class)
                .hasMessageContaining(none.toString()).hasMessageContaining("no image");
    }

    private static Image ramp(int h, int w) {
        float[] v = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = x + 10 * y;
            }
        }
        return new Image(1, h, w, v);
    }

    @Test
    void resizeKeepsConstantsAndLinearRampsAndSizesLikeTorchvision() {
        Image c = new Image(2, 3, 4, filled(24, 0.25f));
        Image r = new Resize(7, 5).transform(c, new Random(0));
        assertThat(r.height()).isEqualTo(7);
        assertThat(r.width()).isEqualTo(5);
        for (float v : r.data()) {
            assertThat(v).isEqualTo(0.25f);
        }
        // shrinking by 2: bilinear at pixel centres averages the two source pixels of a linear ramp
        Image half = new Resize(2, 3).transform(ramp(4, 6), new Random(0));
        assertThat(half.data()).containsExactly(new float[] {5.5f, 7.5f, 9.5f, 25.5f, 27.5f, 29.5f}, within(1e-5f));
        assertThat(new Resize(14).transform(ramp(28, 56), new Random(0)).width()).as("smaller edge to 14").isEqualTo(28);
        assertThat(new Resize(4, 6).transform(ramp(4, 6), new Random(0)).data()).containsExactly(ramp(4, 6).data());
    }

    @Test
    void cropsFlipAndNormalize() {
        Image img = ramp(5, 6);
        Image center = new CenterCrop(3, 2).transform(img, new Random(0));
        assertThat(center.data()).containsExactly(12, 13, 22, 23, 32, 33);
        Random r1 = new Random(42);
        Random r2 = new Random(42);
        Transform crop = new RandomCrop(4, 2);
        for (int i = 0; i < 20; i++) {
            Image a = crop.transform(img, r1);
            assertThat(a.data()).as("seeded: the same crops").containsExactly(crop.transform(img, r2).data());
            assertThat(a.height()).isEqualTo(4);
            for (float v : a.data()) { // every value is from the image or the zero padding
                assertThat(v == 0 || (v % 10 < 6 && v / 10 < 5)).isTrue();
            }
        }
        Image flipped = new RandomHorizontalFlip(1).transform(img, new Random(0));
        assertThat(flipped.at(0, 2, 0)).isEqualTo(img.at(0, 2, 5));
        assertThat(new RandomHorizontalFlip(0).transform(img, new Random(0)).data()).containsExactly(img.data());
        Image n = new Normalize(new double[] {0.5, 1}, new double[] {0.5, 2}).transform(new Image(2, 1, 2, new float[] {0, 1, 1, 5}), new Random(0));
        assertThat(n.data()).containsExactly(-1, 1, 0, 2);
        assertThatThrownBy(() -> new Normalize(new double[] {0}, new double[] {0})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomTransformsInAFolderRepeatPerSeedAndVaryPerEpoch(@TempDir Path root) throws IOException {
        write(gray(8, 8, 1), root.resolve("a/1.png"), "png");
        Transform t = Transform.compose(new RandomCrop(6, 1), new RandomHorizontalFlip());
        ImageFolder a = new ImageFolder(root, 1, t, 5);
        ImageFolder b = new ImageFolder(root, 1, t, 5);
        float[] fa = new float[36];
        float[] fb = new float[36];
        boolean varied = false;
        float[] firstA = null;
        for (int epoch = 0; epoch < 10; epoch++) {
            a.copyInput(0, fa, 0);
            b.copyInput(0, fb, 0);
            assertThat(fa).containsExactly(fb);
            if (firstA == null) {
                firstA = fa.clone();
            } else {
                varied |= !java.util.Arrays.equals(firstA, fa);
            }
        }
        assertThat(varied).as("different crops across epochs").isTrue();
    }

    // issue 23: class names travel with the model, images with limits, images kept at their transformed size

    @Test
    void aTestFolderWithSomeClassesIsLabelledByTheTrainingSetsClasses(@TempDir Path root) throws IOException {
        for (String c : new String[] {"0", "3", "7", "9"}) {
            write(gray(4, 4, c.charAt(0)), root.resolve("train/" + c + "/a.png"), "png");
        }
        write(gray(4, 4, 1), root.resolve("test/3/a.png"), "png");
        write(gray(4, 4, 2), root.resolve("test/7/a.png"), "png");
        ImageFolder train = new ImageFolder(root.resolve("train"));
        ImageFolder own = new ImageFolder(root.resolve("test"));
        assertThat(new int[] {own.label(0), own.label(1)}).as("numbered by its own folders: 3 -> 0, 7 -> 1").containsExactly(0, 1);
        ImageFolder test = ImageFolder.builder(root.resolve("test")).classes(train.classes()).build();
        assertThat(test.classes()).containsExactly("0", "3", "7", "9");
        assertThat(new int[] {test.label(0), test.label(1)}).as("numbered as in training: 3 -> 1, 7 -> 2").containsExactly(1, 2);

        write(gray(4, 4, 5), root.resolve("test/5/a.png"), "png");
        assertThatThrownBy(() -> ImageFolder.builder(root.resolve("test")).classes(train.classes()).build()).isInstanceOf(IOException.class)
                .hasMessageContaining(root.resolve("test/5").toString()).hasMessageContaining("not one of the given classes [0, 3, 7, 9]");
    }

    @Test
    void imagesOverThePixelLimitAreRejectedFromTheirHeader(@TempDir Path root) throws IOException {
        write(gray(100, 50, 0), root.resolve("a/big.png"), "png");
        assertThatThrownBy(() -> ImageFolder.builder(root).maxPixels(4999).build()).isInstanceOf(IOException.class)
                .hasMessageContaining(root.resolve("a/big.png").toString()).hasMessageContaining("100x50").hasMessageContaining("4999");
        assertThat(ImageFolder.builder(root).maxPixels(5000).build().exampleShape()).containsExactly(1, 50, 100);
        assertThatThrownBy(() -> ImageFolder.read(root.resolve("a/big.png"), 1, 10)).isInstanceOf(IOException.class).hasMessageContaining("over the limit");
    }

    @Test
    void aTinyFileDeclaringAHugeImageIsRejectedBeforeDecoding(@TempDir Path root) throws IOException {
        Path bomb = root.resolve("a/bomb.png");
        Files.createDirectories(bomb.getParent());
        Files.write(bomb, pngDeclaring(46000, 46000));
        assertThat(Files.size(bomb)).isLessThan(200);
        assertThatThrownBy(() -> new ImageFolder(root)).isInstanceOf(IOException.class).hasMessageContaining(bomb.toString())
                .hasMessageContaining("46000x46000").hasMessageContaining(Long.toString(ImageFolder.DEFAULT_MAX_PIXELS));
    }

    @Test
    void fixedTransformsRunOnceAndRandomOnesPerItemWithTheSameValuesAsBefore(@TempDir Path root) throws IOException {
        write(gray(20, 16, 3), root.resolve("a/1.png"), "png");
        Transform t = Transform.compose(new Resize(10, 10), new CenterCrop(8), new RandomCrop(6, 1), new RandomHorizontalFlip(), new Normalize(new double[] {0.5}, new double[] {0.25}));
        Transform.Compose c = (Transform.Compose) t;
        assertThat(((Transform.Compose) c.fixedPrefix()).steps()).hasSize(2);
        assertThat(((Transform.Compose) c.rest()).steps()).hasSize(3);
        ImageFolder data = new ImageFolder(root, 1, t, 11);
        Image original = ImageFolder.read(root.resolve("a/1.png"), 1);
        Random r = new Random(11); // the folder's own generator, as seeded
        float[] got = new float[36];
        for (int epoch = 0; epoch < 5; epoch++) {
            data.copyInput(0, got, 0);
            assertThat(got).as("epoch " + epoch).containsExactly(t.transform(original, r).data());
        }
        assertThat(t.isRandom()).isTrue();
        assertThat(Transform.compose(new Resize(4, 4), new CenterCrop(2)).isRandom()).isFalse();
        assertThat(((Transform) (image, random) -> image).isRandom()).as("a lambda may draw").isTrue();
    }

    /** A valid PNG signature and IHDR declaring {@code w x h} 8-bit gray pixels, one empty IDAT and IEND. */
    private static byte[] pngDeclaring(int w, int h) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z)) {
            d.write(new byte[16]);
        }
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static float[] filled(int n, float v) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, v);
        return out;
    }
}
