package dev.adjoint.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.adjoint.DType;
import dev.adjoint.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ExamplesTest {
    @Test
    void everyCheckOfTheTourHolds() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        int failures;
        try {
            failures = Tour.run();
        } finally {
            System.setOut(old);
        }
        assertThat(failures).as(out.toString()).isZero();
        assertThat(out.toString()).contains("[ok] matrix of convTranspose1d == A^T").contains("= convTranspose2d(gy, w");
    }

    @Test
    void modelsHaveTheirDocumentedShapes() {
        assertThat(LeNet.model().forward(Tensor.zeros(3, 1, 28, 28)).shape()).containsExactly(3, 10);
        assertThat(LeNet.model().parameterCount()).isEqualTo(61_706);
        assertThat(Autoencoder.model().forward(Tensor.zeros(2, 1, 28, 28)).shape()).containsExactly(2, 1, 28, 28);
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 1, 28, 28);
        assertThat(Autoencoder.model().forward(x).toDoubleArray()[0]).isBetween(0.0, 1.0);
    }

    @Test
    void optionsRejectUnknownFlagsAndBadNumbers() {
        Options o = new Options("x", "test").option("epochs", "1", "n");
        assertThatThrownBy(() -> o.parse(new String[] {"--epoch", "2"})).hasMessageContaining("unknown option '--epoch'");
        o.parse(new String[] {"--epochs", "two"});
        assertThatThrownBy(() -> o.getInt("epochs")).hasMessageContaining("whole number");
    }

    @Test
    void everyOptionIsCheckedBeforeAnyWork(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String[][] bad = {
            {"--epochs", "-1"}, {"--lr", "Infinity"}, {"--lr", "NaN"}, {"--momentum", "NaN"}, {"--batch-size", "0"},
            {"--profile", "yes"}, {"--save", dir.resolve("missing/x.safetensors").toString()}, {"--save", dir.toString()},
            {"--load", dir.resolve("none.safetensors").toString()}, {"--epochs", "0"}, {"--seed", "1.5"}
        };
        for (String[] args : bad) {
            // --data points nowhere: a check that came after data loading would fail differently
            String[] all = {args[0], args[1], "--data", dir.resolve("no-data").toString(), "--out", dir.resolve("out").toString()};
            assertThatThrownBy(() -> LeNet.main(all)).as(String.join(" ", args)).isInstanceOf(Options.Invalid.class)
                    .hasMessageStartingWith("lenet: --" + args[0].substring(2));
        }
        java.nio.file.Path locked = java.nio.file.Files.createDirectory(dir.resolve("locked"));
        if (locked.toFile().setWritable(false) && !java.nio.file.Files.isWritable(locked)) { // not when the tests run as root
            assertThatThrownBy(() -> LeNet.main(new String[] {"--save", locked.resolve("x.safetensors").toString()}))
                    .isInstanceOf(Options.Invalid.class).hasMessageContaining("cannot be written");
        }
    }

    @Test
    void aFewDcganStepsTrainBothNetworksAndWriteAGrid(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.adjoint.layers.Init.manualSeed(0);
        dev.adjoint.layers.Sequential g = Dcgan.generator();
        dev.adjoint.layers.Sequential d = Dcgan.discriminator();
        dev.adjoint.optim.Adam optG = new dev.adjoint.optim.Adam(g.parameters(), 2e-4, 0.5, 0.999, 1e-8, 0);
        dev.adjoint.optim.Adam optD = new dev.adjoint.optim.Adam(d.parameters(), 2e-4, 0.5, 0.999, 1e-8, 0);
        double[] g0 = g.parameters().get(0).toDoubleArray();
        double[] d0 = d.parameters().get(0).toDoubleArray();
        for (int step = 0; step < 4; step++) {
            Tensor real = Tensor.rand(step, DType.FLOAT32, 8, 1, 28, 28).mul(2).sub(1);
            double[] losses = Dcgan.step(g, d, optG, optD, new dev.adjoint.layers.Losses.BCEWithLogitsLoss(), real, 100 + step);
            assertThat(losses[0]).isFinite().isPositive();
            assertThat(losses[1]).isFinite().isPositive();
        }
        assertThat(g.parameters().get(0).toDoubleArray()).isNotEqualTo(g0);
        assertThat(d.parameters().get(0).toDoubleArray()).isNotEqualTo(d0);
        Tensor images = Dcgan.generate(g, Tensor.randn(1, DType.FLOAT32, 16, Dcgan.Z));
        assertThat(images.shape()).containsExactly(16, 1, 28, 28);
        for (double v : images.toDoubleArray()) {
            assertThat(v).isBetween(-1.0, 1.0);
        }
        java.nio.file.Path png = dir.resolve("grid.png");
        Dcgan.writeGrid(images, 4, png);
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(4 * 56);
    }

    /**
     * Class folders "0" and "1" of generated images, a ring or a vertical bar (named so that the class
     * index ImageFolder gives, the folder's position, is the digit LeNet answers with, as for 0-9).
     */
    private static void fakeDigits(java.nio.file.Path root, int perClass, int size) throws Exception {
        fakeClasses(root, perClass, size, "0", "1");
    }

    /** Like {@link #fakeDigits}, with the ring's and the bar's folders named {@code ring} and {@code bar}; null leaves one out. */
    private static void fakeClasses(java.nio.file.Path root, int perClass, int size, String ring, String bar) throws Exception {
        java.util.Random r = new java.util.Random(root.hashCode());
        for (String label : new String[] {ring, bar}) {
            if (label == null) {
                continue;
            }
            for (int i = 0; i < perClass; i++) {
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(size, size, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                java.awt.Graphics2D gr = img.createGraphics();
                gr.setColor(java.awt.Color.WHITE);
                int o = r.nextInt(3);
                if (label.equals(bar)) {
                    gr.fillRect(size / 2 - 2 + o, 4, 4, size - 8);
                } else {
                    gr.drawOval(6 + o, 6, size - 12, size - 12);
                }
                gr.dispose();
                java.nio.file.Path f = root.resolve(label).resolve(i + ".png");
                java.nio.file.Files.createDirectories(f.getParent());
                javax.imageio.ImageIO.write(img, "png", f.toFile());
            }
        }
    }

    @Test
    void lenetTrainsOnAnImageFolderAndPredictReadsFilesAndFolders(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        fakeDigits(dir.resolve("digits/train"), 40, 28);
        fakeDigits(dir.resolve("digits/test"), 10, 40); // another size: predict and the loader resize to 28x28
        java.nio.file.Path ckpt = dir.resolve("lenet.safetensors");
        String trained = captured(() -> LeNet.main(new String[] {"--image-folder", dir.resolve("digits").toString(), "--epochs", "3",
            "--batch-size", "8", "--lr", "0.05", "--save", ckpt.toString(), "--out", dir.resolve("out").toString()}));
        assertThat(trained).contains("test accuracy:");
        String out = captured(() -> Predict.main(new String[] {"--load", ckpt.toString(), dir.resolve("digits/test").toString(),
            dir.resolve("digits/test/1/0.png").toString()}));
        String[] lines = out.strip().split("\\R");
        assertThat(lines).hasSize(22); // 20 folder images, the single file, the accuracy last
        assertThat(lines[0]).matches(".*0/0\\.png: \\d \\(confidence [01]\\.\\d{3}\\)");
        assertThat(out).containsPattern("accuracy: (0|1)\\.\\d{4}");
        double accuracy = Double.parseDouble(out.replaceAll("(?s).*accuracy: ([0-9.]+).*", "$1"));
        assertThat(accuracy).as("bars and rings are easy").isGreaterThanOrEqualTo(0.9);
    }

    // issue 23: no silent wrong results in the examples

    @Test
    void aTestFolderWithOneClassIsLabelledByTheTrainingClassesAndTheCheckpointCarriesTheirNames(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        fakeClasses(dir.resolve("d/train"), 40, 28, "ring", "bar");
        fakeClasses(dir.resolve("d/test"), 10, 28, null, "bar"); // only the second class: its own numbering would call it class 0
        java.nio.file.Path ckpt = dir.resolve("m.safetensors");
        String trained = captured(() -> LeNet.main(new String[] {"--image-folder", dir.resolve("d").toString(), "--epochs", "3",
            "--batch-size", "8", "--lr", "0.05", "--save", ckpt.toString(), "--out", dir.resolve("out").toString()}));
        double accuracy = Double.parseDouble(trained.replaceAll("(?s).*test accuracy: ([0-9.]+).*", "$1"));
        assertThat(accuracy).as(trained).isGreaterThanOrEqualTo(0.9);
        assertThat(dev.adjoint.io.Checkpoints.metadata(ckpt)).containsEntry("classes", "[\"bar\",\"ring\"]");

        String out = captured(() -> Predict.main(new String[] {"--load", ckpt.toString(), dir.resolve("d/test").toString()}));
        assertThat(out).contains("0.png: bar (confidence");
        assertThat(Double.parseDouble(out.replaceAll("(?s).*accuracy: ([0-9.]+).*", "$1"))).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void predictRefusesFoldersItCannotLabelAndFoldersWithoutImages(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ckpt = dir.resolve("m.safetensors");
        dev.adjoint.layers.Init.manualSeed(0);
        dev.adjoint.io.Checkpoints.save(LeNet.model(), ckpt); // no class names: class folders must be digits
        fakeClasses(dir.resolve("named"), 2, 28, "ring", "bar");
        assertThatThrownBy(() -> Predict.main(new String[] {"--load", ckpt.toString(), dir.resolve("named").toString()}))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining(dir.resolve("named").toString()).hasMessageContaining("not one of");
        java.nio.file.Path empty = java.nio.file.Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> Predict.main(new String[] {"--load", ckpt.toString(), empty.toString()}))
                .isInstanceOf(Options.Invalid.class).hasMessageContaining("holds no image files");
        assertThat(Main.exitStatus(new Options.Invalid("x"))).isEqualTo(2);
    }

    @Test
    void aLossThatBecomesNaNStopsTrainingWithOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        fakeDigits(dir.resolve("d/train"), 16, 28);
        fakeDigits(dir.resolve("d/test"), 2, 28);
        Guards.Failed e = org.junit.jupiter.api.Assertions.assertThrows(Guards.Failed.class, () -> captured(() -> LeNet.main(new String[] {
            "--image-folder", dir.resolve("d").toString(), "--epochs", "2", "--batch-size", "4", "--lr", "1e6", "--out", dir.resolve("out").toString()})));
        assertThat(e.getMessage()).matches("lenet: the loss became (NaN|Infinity|-Infinity) at epoch \\d+, step \\d+; try a smaller --lr \\(now 1e6\\)");
        assertThat(Main.exitStatus(e)).isEqualTo(1);
        assertThat(Main.oneLine(e)).doesNotContain("\n");
    }

    @Test
    void aFailedSaveLeavesTheModelInTheTemporaryFolderAndSaysWhere(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.adjoint.layers.Init.manualSeed(3);
        dev.adjoint.layers.Sequential model = LeNet.model();
        java.nio.file.Path blocked = java.nio.file.Files.writeString(dir.resolve("a-file"), "x").resolve("lenet.safetensors");
        Guards.Failed e = org.junit.jupiter.api.Assertions.assertThrows(Guards.Failed.class,
                () -> Guards.saveOrFallback("lenet", model, blocked, java.util.Map.of("classes", "[]")));
        assertThat(e.getMessage()).contains(blocked.toString()).contains("it is saved in");
        java.nio.file.Path fallback = java.nio.file.Path.of(e.getMessage().replaceAll(".*it is saved in (.*) instead$", "$1"));
        try {
            dev.adjoint.layers.Sequential loaded = LeNet.model();
            dev.adjoint.io.Checkpoints.load(loaded, fallback);
            assertThat(loaded.parameters().get(0).toDoubleArray()).containsExactly(model.parameters().get(0).toDoubleArray());
        } finally {
            java.nio.file.Files.deleteIfExists(fallback);
        }
        assertThatThrownBy(() -> Guards.requireRoom("lenet", "save", dir.resolve("m.safetensors"), Long.MAX_VALUE / 4))
                .isInstanceOf(Options.Invalid.class).hasMessageContaining("lenet: --save").hasMessageContaining("free");
        Guards.requireRoom("lenet", "save", dir.resolve("m.safetensors"), dev.adjoint.io.Checkpoints.sizeOf(model));
    }

    @Test
    void unknownOptionsAndMissingFoldersAreOneLineErrorsInEveryExample(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertThatThrownBy(() -> Tour.main(new String[] {"--foo"})).isInstanceOf(Options.Invalid.class).hasMessageContaining("tour: unknown option");
        assertThatThrownBy(() -> Bench.main(new String[] {"--only", "foo"})).isInstanceOf(Options.Invalid.class).hasMessageContaining("--only");
        assertThatThrownBy(() -> ConvAb.main(new String[] {"--a", dir.toString()})).isInstanceOf(Options.Invalid.class).hasMessageContaining("--b");
        assertThatThrownBy(() -> ConvAb.main(new String[] {"--a", dir.toString(), "--b", dir.toString()})).isInstanceOf(Options.Invalid.class)
                .hasMessageContaining("holds no adjoint-core classes");
        assertThatThrownBy(() -> LeNet.main(new String[] {"--image-folder", dir.resolve("none").toString()})).isInstanceOf(Options.Invalid.class)
                .hasMessageContaining("--image-folder");
        java.io.IOException notACheckpoint = new java.io.IOException("/x: not a safetensors file");
        assertThat(Main.exitStatus(notACheckpoint)).isEqualTo(2);
        assertThat(Main.oneLine(notACheckpoint)).isEqualTo("/x: not a safetensors file");
        assertThat(Main.exitStatus(new ExceptionInInitializerError(new IllegalArgumentException("-Dadjoint.threads=0: ...")))).isEqualTo(2);
        assertThat(Main.exitStatus(new NullPointerException())).as("a bug of ours keeps its stack trace").isEqualTo(1);
        assertThat(Main.oneLine(new NullPointerException())).contains("at dev.adjoint");
    }

    @Test
    void theSmallCnnsHaveTheirPyTorchTwinsStateDictNamesAndShapes() {
        dev.adjoint.layers.Sequential resnet = SmallCnns.resnet20(3, 10);
        // torch: len(resnet20().state_dict()) == 128 and sum(p.numel() for p in resnet20().parameters()) == 272474 (small_cnns.py)
        assertThat(resnet.stateDict()).hasSize(128);
        assertThat(resnet.parameterCount()).isEqualTo(272_474);
        assertThat(resnet.stateDict()).containsKeys("3.conv1.weight", "3.bn2.running_var", "6.shortcut.0.weight", "6.shortcut.1.num_batches_tracked", "14.bias");
        assertThat(resnet.forward(Tensor.zeros(2, 3, 32, 32)).shape()).containsExactly(2, 10);
        dev.adjoint.layers.Sequential dw = SmallCnns.dwnet(3, 10);
        assertThat(dw.parameterCount()).isEqualTo(187_338); // torch: sum(p.numel() for p in dwnet().parameters())
        assertThat(dw.forward(Tensor.zeros(2, 3, 32, 32)).shape()).containsExactly(2, 10);
    }

    private interface Run {
        void run() throws Exception;
    }

    private static String captured(Run r) throws Exception {
        PrintStream before = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            r.run();
        } finally {
            System.setOut(before);
        }
        return buf.toString();
    }
}
