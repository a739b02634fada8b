package dev.adjoint.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX reading with small files written here (never the download), and DataLoader batching. */
class DataTest {
    @TempDir
    Path dir;

    void writeImages(Path p, int magic, int n, int rows, int cols, int bytes) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(p))) {
            out.writeInt(magic);
            out.writeInt(n);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int i = 0; i < bytes; i++) {
                out.writeByte(i % 256);
            }
        }
    }

    void writeLabels(Path p, int magic, int n, int... labels) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(p))) {
            out.writeInt(magic);
            out.writeInt(n);
            for (int l : labels) {
                out.writeByte(l);
            }
        }
    }

    @Test
    void readsIdxFilesAndScalesPixels() throws IOException {
        writeImages(dir.resolve("i"), 0x803, 3, 2, 2, 12);
        writeLabels(dir.resolve("l"), 0x801, 3, 7, 0, 9);
        TensorDataset d = Mnist.read(dir.resolve("i"), dir.resolve("l"));
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.exampleShape()).containsExactly(1, 2, 2);
        float[] x = new float[4];
        d.copyInput(2, x, 0);
        assertThat(x[0]).isCloseTo(8 / 255f, within(1e-7f));
        assertThat(d.label(0)).isEqualTo(7);
    }

    @Test
    void rejectsWrongOrTruncatedFiles() throws IOException {
        writeLabels(dir.resolve("l"), 0x801, 3, 7, 0, 9);
        writeImages(dir.resolve("magic"), 0x801, 3, 2, 2, 12);
        assertThatThrownBy(() -> Mnist.read(dir.resolve("magic"), dir.resolve("l"))).isInstanceOf(IOException.class).hasMessageContaining("magic");
        writeImages(dir.resolve("short"), 0x803, 3, 2, 2, 11);
        assertThatThrownBy(() -> Mnist.read(dir.resolve("short"), dir.resolve("l"))).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
        writeImages(dir.resolve("i"), 0x803, 3, 2, 2, 12);
        writeLabels(dir.resolve("few"), 0x801, 2, 1, 2);
        assertThatThrownBy(() -> Mnist.read(dir.resolve("i"), dir.resolve("few"))).isInstanceOf(IOException.class)
                .hasMessageContaining("2 labels");
        writeLabels(dir.resolve("cut"), 0x801, 3, 1);
        assertThatThrownBy(() -> Mnist.read(dir.resolve("i"), dir.resolve("cut"))).hasMessageContaining("truncated");
        Files.write(dir.resolve("header"), new byte[] {0, 0, 8});
        assertThatThrownBy(() -> Mnist.read(dir.resolve("header"), dir.resolve("l"))).hasMessageContaining("header");
        assertThatThrownBy(() -> Mnist.read(dir.resolve("none"), dir.resolve("l"))).hasMessageContaining("not found");
    }

    @Test
    void loaderBatchesShufflesWithSeedAndDropsLast() {
        float[] x = new float[10];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            x[i] = i;
            y[i] = i;
        }
        TensorDataset d = new TensorDataset(x, y, 1);
        DataLoader inOrder = new DataLoader(d, 4);
        List<int[]> batches = new ArrayList<>();
        inOrder.forEach(b -> batches.add(b.labels()));
        assertThat(batches).hasSize(3);
        assertThat(batches.get(2)).containsExactly(8, 9);
        DataLoader shuffled = new DataLoader(d, 4, true, 7, true);
        assertThat(shuffled.batches()).isEqualTo(2);
        Set<Integer> seen = new HashSet<>();
        List<String> epoch1 = new ArrayList<>();
        for (Batch b : shuffled) {
            assertThat(b.inputs().shape()).containsExactly(4, 1);
            assertThat(b.inputs().toDoubleArray()).containsExactly(Arrays.stream(b.labels()).asDoubleStream().toArray());
            Arrays.stream(b.labels()).forEach(seen::add);
            epoch1.add(Arrays.toString(b.labels()));
        }
        assertThat(seen).hasSize(8);
        List<String> again = new ArrayList<>();
        new DataLoader(d, 4, true, 7, true).forEach(b -> again.add(Arrays.toString(b.labels())));
        assertThat(again).isEqualTo(epoch1);
        List<String> epoch2 = new ArrayList<>();
        shuffled.forEach(b -> epoch2.add(Arrays.toString(b.labels())));
        assertThat(epoch2).isNotEqualTo(epoch1);
    }

    @Test
    void mnistPathsThatAreFoldersOrBrokenGzipFilesAreErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        Files.createDirectory(dir.resolve(Mnist.TRAIN_IMAGES));
        assertThatThrownBy(() -> Mnist.train(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve(Mnist.TRAIN_IMAGES).toAbsolutePath().toString()).hasMessageContaining("is a folder");
        Path other = Files.createDirectory(dir.resolve("gz"));
        Files.write(other.resolve(Mnist.TRAIN_IMAGES + ".gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
        assertThatThrownBy(() -> Mnist.train(other)).isInstanceOf(IOException.class).hasMessageContaining(Mnist.TRAIN_IMAGES);
        Files.write(other.resolve(Mnist.TRAIN_IMAGES + ".gz"), "not gzip at all".getBytes());
        assertThatThrownBy(() -> Mnist.train(other)).isInstanceOf(IOException.class)
                .hasMessageContaining(other.resolve(Mnist.TRAIN_IMAGES + ".gz").toString()).hasMessageContaining("gzip");
    }

    @Test
    void transformsApplyToInMemoryImagesPerEpochAndRepeatPerSeed() {
        float[] v = new float[3 * 2 * 6 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = i / (float) v.length;
        }
        TensorDataset images = new TensorDataset(v, new int[] {4, 1, 7}, 2, 6, 6);
        dev.adjoint.data.transforms.Transform t = dev.adjoint.data.transforms.Transform.compose(
                new dev.adjoint.data.transforms.RandomCrop(6, 2), new dev.adjoint.data.transforms.RandomHorizontalFlip());
        Dataset a = images.transform(t, 9);
        Dataset b = images.transform(t, 9);
        assertThat(a.exampleShape()).containsExactly(2, 6, 6);
        assertThat(new int[] {a.label(0), a.label(1), a.label(2)}).containsExactly(4, 1, 7);
        java.util.Random manual = new java.util.Random(9);
        float[] fa = new float[72];
        float[] fb = new float[72];
        boolean varied = false;
        float[] first = null;
        for (int epoch = 0; epoch < 6; epoch++) {
            a.copyInput(1, fa, 0);
            b.copyInput(1, fb, 0);
            assertThat(fa).containsExactly(fb);
            float[] one = java.util.Arrays.copyOfRange(v, 72, 144);
            assertThat(fa).as("as applying the transform by hand with the same generator")
                    .containsExactly(t.transform(new dev.adjoint.data.transforms.Image(2, 6, 6, one), manual).data());
            if (first == null) {
                first = fa.clone();
            } else {
                varied |= !Arrays.equals(first, fa);
            }
        }
        assertThat(varied).isTrue();
        assertThatThrownBy(() -> new TensorDataset(new float[4], new int[] {0, 1}, 2).transform(t, 0)).as("not images")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[C, H, W]");
    }
}
